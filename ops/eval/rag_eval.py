#!/usr/bin/env python3
"""Retrieval-quality evaluation of rag's POST /v1/search on BEIR SciFact (standard library only).

Called by ops/eval-rag, in phases:

  prepare WHEEL DIR      extract SciFact (corpus, train queries, qrels) from the wheel into DIR
  index DIR              upload the sampled passages through ingestion (one document each,
                         Idempotency-Key per passage), skip those already indexed, wait for the jobs
  query DIR LABEL MODE   every sampled question through /v1/search in MODE; the passage ranking
                         goes to DIR/runs/LABEL.json
  report DIR LABEL...    recall@5 and MRR@10 of each run, as a table

The sample (questions and passages) is drawn once with a fixed seed and kept in DIR/sample.json,
so every phase and every run sees the same one.
"""

import argparse
import concurrent.futures
import json
import os
import random
import sys
import time
import urllib.error
import urllib.request
import zipfile

DATASET_PREFIX = "tutorial_notebooks/rag-contexteng/datasets/scifact/"
FILES = ("corpus.jsonl", "queries.jsonl", "qrels.tsv")


def log(message):
    print(f"[eval] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# HTTP


class Client:
    def __init__(self, base, api_key, timeout=60):
        self.base = base.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def request(self, method, path, body=None, headers=None, attempts=8):
        data = None if body is None else json.dumps(body).encode()
        all_headers = {"Accept": "application/json"}
        if data is not None:
            all_headers["Content-Type"] = "application/json"
        if self.api_key:
            all_headers["X-API-Key"] = self.api_key
        all_headers.update(headers or {})
        for attempt in range(attempts):
            req = urllib.request.Request(self.base + path, data=data, method=method, headers=all_headers)
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as response:
                    return response.status, json.loads(response.read() or b"null")
            except urllib.error.HTTPError as error:
                payload = error.read()
                # Rate limited, or an idempotent request still in flight: wait and try again.
                if error.code in (429, 409, 503) and attempt + 1 < attempts:
                    wait = float(error.headers.get("Retry-After") or 1)
                    time.sleep(min(max(wait, 0.2), 10))
                    continue
                raise RuntimeError(f"{method} {path}: HTTP {error.code}: {payload[:300]!r}") from None
            except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                if attempt + 1 < attempts:
                    time.sleep(1)
                    continue
                raise RuntimeError(f"{method} {path}: {error}") from None
        raise RuntimeError(f"{method} {path}: gave up")


def parallel(function, items, workers):
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(function, items))


# ---------------------------------------------------------------------------
# phases


def prepare(args):
    os.makedirs(args.dir, exist_ok=True)
    with zipfile.ZipFile(args.wheel) as archive:
        for name in FILES:
            target = os.path.join(args.dir, name)
            with archive.open(DATASET_PREFIX + name) as source, open(target + ".tmp", "wb") as sink:
                while block := source.read(1 << 20):
                    sink.write(block)
            os.replace(target + ".tmp", target)
    log(f"extracted {', '.join(FILES)} into {args.dir}")


def load_dataset(directory):
    corpus = {}
    with open(os.path.join(directory, "corpus.jsonl"), encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            corpus[record["_id"]] = record
    queries = {}
    with open(os.path.join(directory, "queries.jsonl"), encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            queries[record["_id"]] = record["text"]
    qrels = {}
    with open(os.path.join(directory, "qrels.tsv"), encoding="utf-8") as lines:
        next(lines)  # query-id, corpus-id, score
        for line in lines:
            query_id, doc_id, score = line.rstrip("\n").split("\t")
            if int(score) > 0:
                qrels.setdefault(query_id, set()).add(doc_id)
    return corpus, queries, qrels


def sample(args):
    """The questions and passages of this evaluation, drawn once with a fixed seed."""
    path = os.path.join(args.dir, "sample.json")
    wanted = {"seed": args.seed, "questions": args.questions, "passages": args.passages}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            kept = json.load(handle)
        if kept["params"] == wanted:
            return kept
    corpus, queries, qrels = load_dataset(args.dir)
    rng = random.Random(args.seed)
    candidates = sorted((q for q in qrels if q in queries and qrels[q] <= corpus.keys()), key=int)
    chosen = sorted(rng.sample(candidates, min(args.questions, len(candidates))), key=int)
    relevant = sorted({d for q in chosen for d in qrels[q]}, key=int)
    others = sorted((d for d in corpus if d not in set(relevant)), key=int)
    distractors = rng.sample(others, max(0, min(len(others), args.passages - len(relevant))))
    kept = {
        "params": wanted,
        "questions": [{"id": q, "text": queries[q], "relevant": sorted(qrels[q], key=int)} for q in chosen],
        "passages": sorted(relevant + distractors, key=int),
    }
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        json.dump(kept, handle)
    os.replace(path + ".tmp", path)
    return kept


def indexed_passages(rag, collection):
    """passage id -> item id of what the collection already holds."""
    found, cursor = {}, None
    while True:
        path = f"/v1/documents?collection={collection}&limit=200" + (f"&cursor={cursor}" if cursor else "")
        _, page = rag.request("GET", path)
        for document in page["documents"]:
            passage = (document.get("metadata") or {}).get("passage_id")
            if passage is not None:
                found.setdefault(passage, document["item_id"])
        cursor = page.get("next_cursor")
        if not cursor:
            return found


def index(args):
    chosen = sample(args)
    corpus, _, _ = load_dataset(args.dir)
    ingestion = Client(args.ingestion_url, args.api_key)
    rag = Client(args.rag_url, args.api_key)
    present = indexed_passages(rag, args.collection)
    missing = [p for p in chosen["passages"] if p not in present]
    log(f"{len(chosen['questions'])} questions, {len(chosen['passages'])} passages "
        f"({len(present)} already in collection {args.collection}, {len(missing)} to upload)")
    started = time.time()

    def upload(passage):
        record = corpus[passage]
        title = (record.get("title") or f"SciFact {passage}").strip()[:500] or f"SciFact {passage}"
        text = f"{record.get('title', '')}\n\n{record['text']}".strip()
        body = {"title": title, "text": text, "collection": args.collection,
                "metadata": {"dataset": "scifact", "passage_id": passage}}
        _, answer = ingestion.request("POST", "/v1/documents", body,
                                      headers={"Idempotency-Key": f"eval-{args.collection}-{passage}"})
        return answer["job_id"]

    jobs = parallel(upload, missing, args.workers)
    if missing:
        log(f"uploaded {len(missing)} passages in {time.time() - started:.1f}s; waiting for their index jobs")

    # Wait on the collection's document count (one request a round), then check each job once.
    expected = len(present) + len(missing)
    deadline = time.time() + args.index_timeout
    while jobs:
        _, listing = rag.request("GET", "/v1/collections")
        documents = next((c["documents"] for c in listing["collections"] if c["name"] == args.collection), 0)
        if documents >= expected:
            break
        if time.time() > deadline:
            raise SystemExit(f"[eval] error: {expected - documents} passages still not indexed after {args.index_timeout}s")
        log(f"  {documents}/{expected} passages indexed ({time.time() - started:.0f}s)")
        time.sleep(10)
    states = parallel(lambda job: (job, ingestion.request("GET", f"/v1/jobs/{job}")[1]), jobs, args.workers)
    failed = [(job, state.get("status"), state.get("error")) for job, state in states if state["status"] != "done"]
    present = indexed_passages(rag, args.collection)
    absent = [p for p in chosen["passages"] if p not in present]
    if absent:
        raise SystemExit(f"[eval] error: {len(absent)} passages are not in collection {args.collection}, e.g. {absent[:3]}")
    if missing:
        log(f"indexed {len(missing)} passages in {time.time() - started:.1f}s")


def query(args):
    chosen = sample(args)
    rag = Client(args.rag_url, args.api_key)
    started = time.time()

    def run(question):
        body = {"query": question["text"], "collection": args.collection, "top_k": 50, "mode": args.mode}
        _, answer = rag.request("POST", "/v1/search", body)
        ranking = []
        for hit in answer["results"]:  # chunks; a passage counts at its best chunk
            passage = (hit.get("metadata") or {}).get("passage_id")
            if passage is not None and passage not in ranking:
                ranking.append(passage)
        return question["id"], ranking

    rankings = dict(parallel(run, chosen["questions"], args.workers))
    os.makedirs(os.path.join(args.dir, "runs"), exist_ok=True)
    with open(os.path.join(args.dir, "runs", f"{args.label}.json"), "w", encoding="utf-8") as handle:
        json.dump({"label": args.label, "mode": args.mode, "rankings": rankings}, handle)
    log(f"{args.label}: {len(rankings)} searches in {time.time() - started:.1f}s")


def metrics(questions, rankings):
    recall, reciprocal = 0.0, 0.0
    for question in questions:
        relevant = set(question["relevant"])
        ranking = rankings.get(question["id"], [])
        recall += len(relevant & set(ranking[:5])) / len(relevant)
        reciprocal += next((1 / rank for rank, p in enumerate(ranking[:10], 1) if p in relevant), 0.0)
    return recall / len(questions), reciprocal / len(questions)


def report(args):
    chosen = sample(args)
    rows = []
    for label in args.labels:
        with open(os.path.join(args.dir, "runs", f"{label}.json"), encoding="utf-8") as handle:
            run = json.load(handle)
        rows.append((label, *metrics(chosen["questions"], run["rankings"])))
    print(f"SciFact (BEIR), train split: {len(chosen['questions'])} questions, {len(chosen['passages'])} passages, "
          f"seed {args.seed}")
    print(f"| {'mode':<20} | recall@5 | MRR@10 |")
    print(f"|{'-' * 22}|---------:|-------:|")
    for label, recall, mrr in rows:
        print(f"| {label:<20} | {recall:8.3f} | {mrr:6.3f} |")
    parts = [r for r in rows if not r[0].startswith("hybrid")]
    if parts:
        best_recall = max(r[1] for r in parts)
        best_mrr = max(r[2] for r in parts)
        good = [r[0] for r in rows if r[0].startswith("hybrid") and r[1] >= best_recall and r[2] >= best_mrr]
        print(f"hybrid weights at or above the better of keyword and vector on both metrics: {', '.join(good) or 'none'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ingestion-url", default="http://127.0.0.1:8001")
    parser.add_argument("--rag-url", default="http://127.0.0.1:8004")
    parser.add_argument("--api-key", default=os.environ.get("SERVICE_API_KEY", ""))
    parser.add_argument("--collection", default="eval-scifact")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--passages", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--index-timeout", type=int, default=1200)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("prepare")
    p.add_argument("wheel")
    p.add_argument("dir")
    p.set_defaults(function=prepare)
    p = commands.add_parser("index")
    p.add_argument("dir")
    p.set_defaults(function=index)
    p = commands.add_parser("query")
    p.add_argument("dir")
    p.add_argument("label")
    p.add_argument("mode", choices=["keyword", "vector", "hybrid"])
    p.set_defaults(function=query)
    p = commands.add_parser("report")
    p.add_argument("dir")
    p.add_argument("labels", nargs="+")
    p.set_defaults(function=report)
    args = parser.parse_args()
    args.function(args)


if __name__ == "__main__":
    main()
