#!/usr/bin/env python3
"""Reference all-MiniLM-L6-v2, independent of the Swift implementation it checks.

Token ids come from the PyPI `tokenizers` package (its BertWordPieceTokenizer over the same
vocab.txt); the encoder is plain numpy (and scipy's erf) over the same model.safetensors.

    python minilm_reference.py golden [MODEL_DIR]      rewrite minilm-golden.json beside this file
    python minilm_reference.py published [MODEL_DIR]   compare with sentence-transformers' figures
    python minilm_reference.py bench MODEL_DIR BATCH SECONDS   texts/s on 128-token texts (JSON)

MODEL_DIR defaults to .run/models/all-MiniLM-L6-v2 of the repository (fetched by ops/models).
Needs numpy, scipy and tokenizers (ops/bench-embeddings installs them into .run/venv-reference).
"""

import json
import struct
import sys
import time
from pathlib import Path

import numpy as np
from scipy.special import erf
from tokenizers import BertWordPieceTokenizer

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
MAX_SEQUENCE = 256
LAYERS = 6
HEADS = 12
EPSILON = 1e-12


def load_safetensors(path):
    data = Path(path).read_bytes()
    (header_length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_length])
    base = 8 + header_length
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__" or entry["dtype"] != "F32":
            continue
        start, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(data[base + start : base + end], dtype="<f4").reshape(entry["shape"])
    return tensors


def tokenizer(model_dir):
    tok = BertWordPieceTokenizer(str(Path(model_dir) / "vocab.txt"), lowercase=True, clean_text=True, handle_chinese_chars=True, strip_accents=None)
    tok.enable_truncation(MAX_SEQUENCE)
    return tok


def layer_norm(x, weight, bias):
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + EPSILON) * weight + bias


def linear(x, w, name):
    return x @ w[name + ".weight"].T + w[name + ".bias"]


def encode(w, ids_batch):
    """Sentence vectors for a list of id lists, padded to the longest with an attention mask."""
    batch = len(ids_batch)
    length = max(len(ids) for ids in ids_batch)
    ids = np.zeros((batch, length), dtype=np.int64)
    mask = np.zeros((batch, length), dtype=np.float32)
    for row, sequence in enumerate(ids_batch):
        ids[row, : len(sequence)] = sequence
        mask[row, : len(sequence)] = 1
    x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length][None] + w["embeddings.token_type_embeddings.weight"][0]
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
    additive = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
    head = x.shape[-1] // HEADS
    for index in range(LAYERS):
        p = f"encoder.layer.{index}."

        def heads(t):
            return t.reshape(batch, length, HEADS, head).transpose(0, 2, 1, 3)

        q, k, v = (heads(linear(x, w, p + "attention.self." + n)) for n in ("query", "key", "value"))
        scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(head)) + additive
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, -1)
        x = layer_norm(linear(context, w, p + "attention.output.dense") + x, w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
        hidden = linear(x, w, p + "intermediate.dense")
        hidden = (0.5 * hidden * (1.0 + erf(hidden / np.float32(np.sqrt(2.0))))).astype(np.float32)
        x = layer_norm(linear(hidden, w, p + "output.dense") + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
    pooled = (x * mask[:, :, None]).sum(axis=1) / np.clip(mask.sum(axis=1, keepdims=True), 1e-9, None)
    return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


def golden_sentences():
    long_text = " ".join(f"sentence {n} of a long document about embeddings, tokenizers and retrieval." for n in range(40))
    return [
        "The weather is lovely today.",
        "It's so sunny outside!",
        "He drove to the stadium.",
        "A man is playing a guitar.",
        "How do I reset my password?",
        "Book a table for two at 7pm tomorrow, please.",
        "",
        "   ",
        "Hello",
        "Café, naïve, résumé, Ångström and jalapeño.",
        "İstanbul ŞİŞLİ Straße ÆØÅ",
        "Wait... what?! (Really?) [yes]; {no}: \"quoted\" — 'single' – dash…",
        "I love pizza 🍕🍕 and coffee ☕️! 👍🏽",
        "我喜欢自然语言处理。",
        "日本語のテキストも処理できますか？",
        "한국어 문장도 테스트합니다.",
        "Привет, как дела?",
        "مرحبا بالعالم",
        "Ελληνικά γράμματα: αβγ ΔΕΖ",
        "user@example.com visited https://example.org/path?q=1&r=2#frag",
        "Version 2.3.1-beta costs $1,299.99 (≈ €1.200) on 2024-05-06.",
        "func embed(_ texts: [String]) async throws -> [[Float]] { return [] }",
        "tabs\tand\nnewlines\r\nand\u00a0no-break\u2003spaces",
        "zero\u200bwidth and control \u0007 bell and \ufffd replacement",
        "UPPER CASE AND MiXeD cAsE wOrDs",
        "supercalifragilisticexpialidocious antidisestablishmentarianism",
        "x" * 120 + " short",
        "unbelievable unaffordable preprocessing tokenization",
        "The quick brown fox jumps over the lazy dog.",
        "Is the rag service up? Check /health and /ready.",
        "e\u0301 combining acute versus \u00e9 precomposed",
        "Mixed 中文 and English text with 数字 123.",
        long_text,
        "word " * 300,
    ]


def default_model_dir(argv, index):
    return Path(argv[index]) if len(argv) > index else REPO / ".run/models/all-MiniLM-L6-v2"


def golden(model_dir):
    tok = tokenizer(model_dir)
    weights = load_safetensors(model_dir / "model.safetensors")
    entries = []
    for text in golden_sentences():
        encoding = tok.encode(text)
        vector = encode(weights, [encoding.ids])[0]
        entries.append({"text": text, "ids": encoding.ids, "truncated": len(encoding.overflowing) > 0, "embedding": [round(float(v), 6) for v in vector]})
    out = HERE / "minilm-golden.json"
    out.write_text(json.dumps({"model": "all-MiniLM-L6-v2", "generator": "Tests/InferenceTests/Reference/minilm_reference.py golden", "sentences": entries}, ensure_ascii=False, indent=0) + "\n")
    print(f"wrote {len(entries)} sentences to {out}")


def published(model_dir):
    # sbert.net "Usage" page, all-MiniLM-L6-v2: similarities of these three sentences.
    expected = {(0, 1): 0.6660, (0, 2): 0.1046, (1, 2): 0.1411}
    tok = tokenizer(model_dir)
    weights = load_safetensors(model_dir / "model.safetensors")
    texts = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
    vectors = encode(weights, [tok.encode(t).ids for t in texts])
    worst = 0.0
    for (a, b), figure in expected.items():
        got = float(vectors[a] @ vectors[b])
        worst = max(worst, abs(got - figure))
        print(f"similarity({a},{b}) = {got:.4f}, published {figure:.4f}")
    if worst > 5e-4:
        sys.exit(f"reference differs from the published figures by {worst:.4f}")
    print("reference matches the published figures")


def bench(model_dir, batch, seconds):
    weights = load_safetensors(model_dir / "model.safetensors")
    ids = [101] + [2773 + (n % 50) for n in range(126)] + [102]
    encode(weights, [ids] * batch)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        encode(weights, [ids] * batch)
        done += batch
    print(json.dumps({"batch": batch, "texts_per_second": done / (time.perf_counter() - start)}))


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "golden"
    if command == "golden":
        golden(default_model_dir(sys.argv, 2))
    elif command == "published":
        published(default_model_dir(sys.argv, 2))
    elif command == "bench":
        bench(Path(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))
    else:
        sys.exit(__doc__)
