#!/usr/bin/env python3
"""Convert a CTranslate2 Whisper model (faster-whisper layout) into whisper.cpp's ggml file.

    python3 ops/whisper/ct2_to_ggml.py MODEL_DIR OUT_FILE

MODEL_DIR holds model.bin (CTranslate2 binary, version 6, float16 or float32), config.json and
tokenizer.json (Hugging Face byte-level BPE). Needs numpy only. The output is deterministic and
has the layout whisper.cpp's loader (whisper_model_load) reads:

    magic "ggml" (0x67676d6c)
    hparams    11 x int32: n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer,
               n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, ftype (1 = f16)
    mel bank   int32 n_mel, int32 n_fft, n_mel * n_fft float32
    vocabulary int32 count, then per token int32 length and its raw bytes
    tensors    int32 n_dims, int32 name length, int32 type (0 f32, 1 f16), int32 dims
               (innermost first), name, data

Tensor names are those of OpenAI's PyTorch checkpoint, in its state-dict order. CTranslate2 fuses
attention projections: self-attention linear_0 is [query; key; value] and cross-attention
linear_1 is [key; value]; both are split here, and the key bias (all zeros: Whisper's key has
no bias) is dropped. CTranslate2 does not pre-scale Whisper's queries, so nothing is rescaled.
"""

import json
import re
import struct
import sys
from pathlib import Path

import numpy as np

GGML_MAGIC = 0x67676D6C
CT2_DTYPES = {0: np.dtype("<f4"), 1: np.dtype("i1"), 2: np.dtype("<i2"), 3: np.dtype("<i4"), 4: np.dtype("<f2")}

# Whisper's audio front end: 16 kHz, 25 ms window (400-point FFT).
SAMPLE_RATE = 16000
N_FFT = 400


class Reader:
    """Sequential little-endian reader over a bytes-like buffer."""

    def __init__(self, data):
        self.data = data
        self.pos = 0

    def unpack(self, fmt):
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def u8(self):
        return self.unpack("B")[0]

    def u16(self):
        return self.unpack("H")[0]

    def u32(self):
        return self.unpack("I")[0]

    def string(self):
        length = self.u16()
        raw = bytes(self.data[self.pos : self.pos + length])
        self.pos += length
        return raw.rstrip(b"\0").decode("utf-8")

    def take(self, count):
        chunk = self.data[self.pos : self.pos + count]
        if len(chunk) != count:
            raise ValueError("model.bin is truncated")
        self.pos += count
        return chunk


def read_ct2(path):
    """The variables of a CTranslate2 model.bin as {name: numpy array}, aliases resolved."""
    reader = Reader(memoryview(Path(path).read_bytes()))
    version = reader.u32()
    if version < 5:
        raise ValueError(f"unsupported CTranslate2 binary version {version} (need >= 5)")
    spec = reader.string()
    if spec != "WhisperSpec":
        raise ValueError(f"model.bin holds a {spec}, not a WhisperSpec")
    reader.u32()  # spec revision
    variables = {}
    for _ in range(reader.u32()):
        name = reader.string()
        rank = reader.u8()
        shape = reader.unpack(f"{rank}I") if rank else ()
        dtype_id = reader.u8()
        nbytes = reader.u32()
        if dtype_id not in CT2_DTYPES:
            raise ValueError(f"{name}: unsupported CTranslate2 dtype {dtype_id}")
        dtype = CT2_DTYPES[dtype_id]
        array = np.frombuffer(reader.take(nbytes), dtype=dtype)
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if array.size != count:
            raise ValueError(f"{name}: {nbytes} bytes for shape {shape} of {dtype}")
        variables[name] = array.reshape(shape)
    if reader.pos < len(reader.data):
        for _ in range(reader.u32()):
            alias, target = reader.string(), reader.string()
            variables[alias] = variables[target]
    if reader.pos != len(reader.data):
        raise ValueError(f"model.bin has {len(reader.data) - reader.pos} trailing bytes")
    return variables


def scalar(variables, name):
    return int(np.asarray(variables[name]).reshape(-1)[0])


def split_rows(array, parts):
    rows = array.shape[0] // parts
    if rows * parts != array.shape[0]:
        raise ValueError(f"cannot split {array.shape} into {parts}")
    return [array[i * rows : (i + 1) * rows] for i in range(parts)]


def count_layers(variables, side):
    found = {int(m.group(1)) for k in variables if (m := re.match(rf"{side}/layer_(\d+)/", k))}
    if not found or found != set(range(len(found))):
        raise ValueError(f"{side}: layers {sorted(found)} are not 0..n-1")
    return len(found)


def whisper_tensors(v):
    """(hparams, [(ggml name, array)]) in the order of OpenAI's state dict."""
    n_audio_layer = count_layers(v, "encoder")
    n_text_layer = count_layers(v, "decoder")
    token_embedding = v["decoder/embeddings/weight"]
    enc_pe = v["encoder/position_encodings/encodings"]
    dec_pe = v["decoder/position_encodings/encodings"]
    conv1 = v["encoder/conv1/weight"]
    hparams = {
        "n_vocab": token_embedding.shape[0],
        "n_audio_ctx": enc_pe.shape[0],
        "n_audio_state": enc_pe.shape[1],
        "n_audio_head": scalar(v, "encoder/num_heads"),
        "n_audio_layer": n_audio_layer,
        "n_text_ctx": dec_pe.shape[0],
        "n_text_state": dec_pe.shape[1],
        "n_text_head": scalar(v, "decoder/num_heads"),
        "n_text_layer": n_text_layer,
        "n_mels": conv1.shape[1],
    }
    if any(k.endswith("weight_scale") for k in v):
        raise ValueError("model.bin is quantized (int8/int16); convert a float16 or float32 model")
    if scalar(v, "decoder/scale_embeddings") != 0:
        raise ValueError("decoder/scale_embeddings is set; Whisper does not scale its embeddings")
    if "decoder/projection/weight" in v and v["decoder/projection/weight"] is not token_embedding:
        if not np.array_equal(v["decoder/projection/weight"], token_embedding):
            raise ValueError("the output projection is not tied to the token embedding")

    out = []

    def linear(prefix, source):
        out.append((f"{prefix}.weight", v[f"{source}/weight"]))
        out.append((f"{prefix}.bias", v[f"{source}/bias"]))

    def norm(prefix, source):
        out.append((f"{prefix}.weight", v[f"{source}/gamma"]))
        out.append((f"{prefix}.bias", v[f"{source}/beta"]))

    def qkv(prefix, weights, biases):
        (q_w, k_w, v_w), (q_b, k_b, v_b) = weights, biases
        if np.any(k_b != 0):
            raise ValueError(f"{prefix}: the key bias is not zero")
        out.extend([
            (f"{prefix}.query.weight", q_w), (f"{prefix}.query.bias", q_b),
            (f"{prefix}.key.weight", k_w),
            (f"{prefix}.value.weight", v_w), (f"{prefix}.value.bias", v_b),
        ])

    def block(side, i, cross):
        src, dst = f"{side}/layer_{i}", f"{side}.blocks.{i}"
        sa = f"{src}/self_attention"
        qkv(f"{dst}.attn", split_rows(v[f"{sa}/linear_0/weight"], 3), split_rows(v[f"{sa}/linear_0/bias"], 3))
        linear(f"{dst}.attn.out", f"{sa}/linear_1")
        norm(f"{dst}.attn_ln", f"{sa}/layer_norm")
        if cross:
            ca = f"{src}/attention"
            k_w, v_w = split_rows(v[f"{ca}/linear_1/weight"], 2)
            k_b, v_b = split_rows(v[f"{ca}/linear_1/bias"], 2)
            qkv(f"{dst}.cross_attn", (v[f"{ca}/linear_0/weight"], k_w, v_w), (v[f"{ca}/linear_0/bias"], k_b, v_b))
            linear(f"{dst}.cross_attn.out", f"{ca}/linear_2")
            norm(f"{dst}.cross_attn_ln", f"{ca}/layer_norm")
        linear(f"{dst}.mlp.0", f"{src}/ffn/linear_0")
        linear(f"{dst}.mlp.2", f"{src}/ffn/linear_1")
        norm(f"{dst}.mlp_ln", f"{src}/ffn/layer_norm")

    out.append(("encoder.positional_embedding", enc_pe))
    linear("encoder.conv1", "encoder/conv1")
    linear("encoder.conv2", "encoder/conv2")
    for i in range(n_audio_layer):
        block("encoder", i, cross=False)
    norm("encoder.ln_post", "encoder/layer_norm")
    out.append(("decoder.positional_embedding", dec_pe))
    out.append(("decoder.token_embedding.weight", token_embedding))
    for i in range(n_text_layer):
        block("decoder", i, cross=True)
    norm("decoder.ln", "decoder/layer_norm")
    return hparams, out


# ---------------------------------------------------------------------------------------------
# Mel filterbank: Slaney's Auditory Toolbox mel scale (linear below 1 kHz, logarithmic above)
# with area normalisation, the filters Whisper's mel_filters.npz holds.

MEL_LINEAR_STEP = 200.0 / 3.0  # Hz per mel below the break
MEL_BREAK_HZ = 1000.0
MEL_BREAK = MEL_BREAK_HZ / MEL_LINEAR_STEP  # 15 mels
MEL_LOG_STEP = np.log(6.4) / 27.0


def hz_to_mel(hz):
    hz = np.asarray(hz, dtype=np.float64)
    mel = hz / MEL_LINEAR_STEP
    above = hz >= MEL_BREAK_HZ
    return np.where(above, MEL_BREAK + np.log(np.maximum(hz, MEL_BREAK_HZ) / MEL_BREAK_HZ) / MEL_LOG_STEP, mel)


def mel_to_hz(mel):
    mel = np.asarray(mel, dtype=np.float64)
    hz = mel * MEL_LINEAR_STEP
    above = mel >= MEL_BREAK
    return np.where(above, MEL_BREAK_HZ * np.exp(MEL_LOG_STEP * (np.maximum(mel, MEL_BREAK) - MEL_BREAK)), hz)


def mel_filterbank(n_mels, sample_rate=SAMPLE_RATE, n_fft=N_FFT):
    """float32 [n_mels, n_fft // 2 + 1] triangular filters from 0 Hz to Nyquist."""
    bins = np.linspace(0.0, sample_rate / 2.0, n_fft // 2 + 1)
    edges = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(sample_rate / 2.0), n_mels + 2))
    widths = np.diff(edges)
    offsets = edges[:, None] - bins[None, :]
    bank = np.empty((n_mels, bins.size), dtype=np.float32)
    for m in range(n_mels):
        rising = -offsets[m] / widths[m]
        falling = offsets[m + 2] / widths[m + 1]
        # "+ 0.0" turns the -0.0 of an edge that falls on a bin into +0.0.
        bank[m] = np.maximum(0.0, np.minimum(rising, falling)) + 0.0
    # Area normalisation: each triangle integrates to the same value.
    area = 2.0 / (edges[2 : n_mels + 2] - edges[:n_mels])
    return (bank.astype(np.float64) * area[:, None]).astype(np.float32)


# ---------------------------------------------------------------------------------------------
# Vocabulary: GPT-2's byte-level BPE writes each byte as a printable code point; undo that.


def byte_decoder():
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("\xa1"), ord("\xac") + 1), *range(ord("\xae"), ord("\xff") + 1)]
    mapping = {chr(b): b for b in printable}
    extra = 0
    for b in range(256):
        if b not in printable:
            mapping[chr(256 + extra)] = b
            extra += 1
    return mapping


def vocabulary(tokenizer_path):
    """Raw bytes of the base BPE vocabulary, by id.

    That is GPT-2's 50,257 tokens, <|endoftext|> (id 50256) included, as in OpenAI's vocab.json
    from which the published ggml files were made; the Whisper tokens after it (added_tokens:
    <|startoftranscript|>, timestamps, ...) are not written, the loader names them itself.
    """
    tokenizer = json.loads(Path(tokenizer_path).read_text(encoding="utf-8"))
    if tokenizer["model"]["type"] != "BPE":
        raise ValueError("tokenizer.json is not a BPE tokenizer")
    decode = byte_decoder()
    ids = {index: bytes(decode[c] for c in text) for text, index in tokenizer["model"]["vocab"].items()}
    if sorted(ids) != list(range(len(ids))):
        raise ValueError("the tokenizer's ids are not contiguous from 0")
    return [ids[i] for i in range(len(ids))]


# ---------------------------------------------------------------------------------------------


def write_ggml(out, hparams, mel, tokens, tensors):
    out.write(struct.pack("<I", GGML_MAGIC))
    for key in ("n_vocab", "n_audio_ctx", "n_audio_state", "n_audio_head", "n_audio_layer",
                "n_text_ctx", "n_text_state", "n_text_head", "n_text_layer", "n_mels"):
        out.write(struct.pack("<i", hparams[key]))
    out.write(struct.pack("<i", 1))  # ftype: float16 matrices

    out.write(struct.pack("<ii", *mel.shape))
    out.write(mel.astype("<f4").tobytes())

    out.write(struct.pack("<i", len(tokens)))
    for token in tokens:
        out.write(struct.pack("<i", len(token)))
        out.write(token)

    # whisper.cpp keeps 1-D tensors, conv biases and positional embeddings in float32 and
    # every other matrix in float16 (its converters' rule, which its loader checks).
    for name, array in tensors:
        if name in ("encoder.conv1.bias", "encoder.conv2.bias"):
            array = array.reshape(-1, 1)
        f32 = array.ndim < 2 or name.endswith(("conv1.bias", "conv2.bias", "positional_embedding"))
        data = np.ascontiguousarray(array, dtype="<f4" if f32 else "<f2")
        encoded = name.encode("utf-8")
        out.write(struct.pack("<iii", data.ndim, len(encoded), 0 if f32 else 1))
        out.write(struct.pack(f"<{data.ndim}i", *reversed(data.shape)))
        out.write(encoded)
        out.write(data.tobytes())


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: ct2_to_ggml.py MODEL_DIR OUT_FILE\n")
        return 2
    model_dir, out_path = Path(argv[1]), Path(argv[2])
    json.loads((model_dir / "config.json").read_text(encoding="utf-8"))  # present and valid
    variables = read_ct2(model_dir / "model.bin")
    hparams, tensors = whisper_tensors(variables)
    tokens = vocabulary(model_dir / "tokenizer.json")
    if len(tokens) > hparams["n_vocab"]:
        raise ValueError(f"{len(tokens)} tokens for n_vocab {hparams['n_vocab']}")
    mel = mel_filterbank(hparams["n_mels"])
    with open(out_path, "wb") as out:
        write_ggml(out, hparams, mel, tokens, tensors)
    print(f"{out_path}: {len(tensors)} tensors, {len(tokens)} tokens, {out_path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
