"""Write the Hugging Face reference values that the parity tests compare against.

Runs the `transformers` tokenizer and BertModel of a checkpoint on real MIND titles and
abstracts, and stores in a JSON fixture what test/model/bertParity.test.ts and
test/tokenizer/wordpiece.test.ts need, so those tests run without PyTorch:

- tokenizer: the ids of every title of the news file (and of a few hand-written texts
  with emoji and other characters the sample lacks), truncated to 30 tokens and padded
  to 30, with their attention masks;
- model: 16 titles and 16 abstracts in padded batches of similar lengths, their last
  hidden states, and two poolings of them: the masked mean and additive attention.
  The checkpoint has no attention weights, so the pooling gets seeded weights that the
  fixture stores, and this script computes it in PyTorch.

Run it once after changing what the fixture contains:

    python3 -m venv .cache/venv && .cache/venv/bin/pip install torch transformers
    .cache/venv/bin/python scripts/reference/bert_reference.py

Float arrays are stored as base64 of little-endian float32, ids as base64 of
little-endian uint16 (BERT vocabularies have fewer than 65,536 tokens).
"""

import argparse
import base64
import json
from pathlib import Path

import numpy as np
import torch
import transformers
from transformers import AutoTokenizer, BertModel

ROOT = Path(__file__).resolve().parents[2]

# Texts with characters that no MIND-sample title contains.
EXTRA_TEXTS = [
    "Fans cheer 🎉🏈 as the Chiefs win 31-20 🔥",
    "Emoji-only headline: 😀😃😄 👍🏽",
    "Zoë’s café in Zürich sells 1,250,000 crème brûlées — «très bien»",
    "Ünïcödé ﬁligree: ½ price, 3×4 = 12, naïve coöperation",
    "东京 and 서울 markets fall 2.5% on Monday",
    "Tab\there, non-breaking\u00a0space, zero\u200bwidth",
]

# Every STATE_STRIDE-th value of the real-token states of all texts is stored, so
# every token position of every text is checked while the fixture stays small.
# The stride is coprime with the hidden size (384), so the checked dimension
# moves from token to token and every dimension is checked somewhere.
STATE_STRIDE = 7


def read_news(path: Path) -> list[tuple[str, str, str]]:
    """(news id, title, abstract) of every row of a MIND news.tsv, in file order."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line in handle.read().split("\n"):
            if line == "":
                continue
            fields = line.split("\t")
            rows.append((fields[0], fields[3], fields[4]))
    return rows


def encode_floats(values: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(values).astype("<f4").tobytes()).decode("ascii")


def encode_ids(values: list[int]) -> str:
    return base64.b64encode(np.array(values, dtype="<u2").tobytes()).decode("ascii")


def tokenizer_part(tokenizer, texts: list[str], max_length: int) -> dict:
    """Ids with [CLS] and [SEP], truncated and padded to max_length, and the attention masks."""
    batch = tokenizer(texts, truncation=True, max_length=max_length, padding="max_length")
    lengths = []
    ids = []
    for row_ids, row_mask in zip(batch["input_ids"], batch["attention_mask"]):
        length = sum(row_mask)
        # The test rebuilds each mask from its length, so check that a mask is ones then zeros.
        assert row_mask == [1] * length + [0] * (max_length - length), row_mask
        assert row_ids[length:] == [tokenizer.pad_token_id] * (max_length - length)
        lengths.append(length)
        ids.extend(row_ids[:length])
    untruncated = [len(tokenizer(text)["input_ids"]) for text in texts]
    return {"lengths": lengths, "untruncatedLengths": untruncated, "ids": encode_ids(ids)}


def attention_pooling_weights(hidden_size: int, query_size: int, seed: int) -> dict[str, np.ndarray]:
    """Uniform in +-1/sqrt(fan_in), the range of PyTorch's nn.Linear initialisation."""
    generator = np.random.default_rng(seed)
    dense_bound = 1 / np.sqrt(hidden_size)
    query_bound = 1 / np.sqrt(query_size)
    return {
        "dense.weight": generator.uniform(-dense_bound, dense_bound, (query_size, hidden_size)).astype(np.float32),
        "dense.bias": generator.uniform(-dense_bound, dense_bound, (query_size,)).astype(np.float32),
        "query": generator.uniform(-query_bound, query_bound, (query_size,)).astype(np.float32),
    }


def attention_pool(states: torch.Tensor, mask: torch.Tensor, weights: dict[str, np.ndarray]) -> torch.Tensor:
    """Additive attention (NRMS): softmax over real tokens of q . tanh(W h + b), then the weighted sum of h."""
    dense = torch.from_numpy(weights["dense.weight"])
    bias = torch.from_numpy(weights["dense.bias"])
    query = torch.from_numpy(weights["query"])
    scores = torch.tanh(states @ dense.T + bias) @ query
    scores = scores.masked_fill(mask == 0, torch.finfo(scores.dtype).min)
    probabilities = torch.softmax(scores, dim=-1)
    return (probabilities.unsqueeze(-1) * states).sum(dim=1)


def length_batches(lengths: list[int], batch_size: int) -> list[list[int]]:
    """Text indices sorted by token count and cut into batches, so each batch pads little."""
    order = sorted(range(len(lengths)), key=lambda index: (lengths[index], index))
    return [order[start : start + batch_size] for start in range(0, len(order), batch_size)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, default=ROOT / ".cache/checkpoints/all-MiniLM-L6-v2")
    parser.add_argument("--news", type=Path, default=ROOT.parent / "shared/data/mind-sample/train/news.tsv")
    parser.add_argument("--output", type=Path, default=ROOT / "test/fixtures/minilm-reference.json")
    parser.add_argument("--title-length", type=int, default=30, help="max tokens per title in the tokenizer part")
    parser.add_argument("--model-texts", type=int, default=16, help="titles and as many abstracts run through the model")
    parser.add_argument("--model-length", type=int, default=32, help="max tokens per text in the model part")
    parser.add_argument("--batch-size", type=int, default=4, help="texts per padded batch in the model part")
    parser.add_argument("--query-size", type=int, default=16, help="query vector size of the attention pooling")
    parser.add_argument("--pooling-seed", type=int, default=20221207)
    args = parser.parse_args()

    news = read_news(args.news)
    tokenizer = AutoTokenizer.from_pretrained(args.checkpoint)
    model = BertModel.from_pretrained(args.checkpoint, add_pooling_layer=False).eval()

    # Model part: titles and non-empty abstracts.
    texts = [{"newsId": news_id, "field": "title"} for news_id, _, _ in news[: args.model_texts]]
    texts += [{"newsId": news_id, "field": "abstract"} for news_id, _, abstract in news if abstract][: args.model_texts]
    by_id = {news_id: (title, abstract) for news_id, title, abstract in news}
    strings = [by_id[text["newsId"]][0 if text["field"] == "title" else 1] for text in texts]
    lengths = [len(tokenizer(s, truncation=True, max_length=args.model_length)["input_ids"]) for s in strings]

    weights = attention_pooling_weights(model.config.hidden_size, args.query_size, args.pooling_seed)
    hidden_size = model.config.hidden_size
    states_by_text: list[np.ndarray] = [np.empty(0)] * len(texts)
    mean = np.zeros((len(texts), hidden_size), np.float32)
    attention = np.zeros((len(texts), hidden_size), np.float32)
    batches = []
    for rows in length_batches(lengths, args.batch_size):
        batch = tokenizer([strings[row] for row in rows], truncation=True, max_length=args.model_length, padding=True, return_tensors="pt")
        with torch.no_grad():
            states = model(**batch).last_hidden_state
            pooled = attention_pool(states, batch["attention_mask"], weights).numpy()
        states = states.numpy()
        mask = batch["attention_mask"].numpy().astype(np.float32)
        for position, row in enumerate(rows):
            real = int(mask[position].sum())
            states_by_text[row] = states[position, :real]
            mean[row] = states[position, :real].mean(axis=0)
            attention[row] = pooled[position]
        batches.append({"rows": rows, "inputIds": batch["input_ids"].tolist(), "attentionMask": batch["attention_mask"].tolist()})

    all_states = np.concatenate([states.reshape(-1) for states in states_by_text])
    fixture = {
        "description": "Hugging Face transformers outputs of all-MiniLM-L6-v2 on MIND sample texts; written by scripts/reference/bert_reference.py",
        "versions": {"transformers": transformers.__version__, "torch": torch.__version__, "tokenizer": type(tokenizer).__name__},
        "tokenizer": {
            "maxLength": args.title_length,
            "titles": tokenizer_part(tokenizer, [title for _, title, _ in news], args.title_length),
            "extraTexts": EXTRA_TEXTS,
            "extra": tokenizer_part(tokenizer, EXTRA_TEXTS, args.title_length),
        },
        "model": {
            "texts": texts,
            "batches": batches,
            "hiddenSize": hidden_size,
            "realLengths": [int(states.shape[0]) for states in states_by_text],
            "stateStride": STATE_STRIDE,
            "states": encode_floats(all_states[::STATE_STRIDE]),
            "firstTextStates": encode_floats(states_by_text[0]),
            "maskedMean": encode_floats(mean),
            "attentionPooling": {
                "querySize": args.query_size,
                "seed": args.pooling_seed,
                "weights": {name: encode_floats(value) for name, value in weights.items()},
                "output": encode_floats(attention),
            },
        },
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(fixture, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes); batch lengths {[len(batch['inputIds'][0]) for batch in batches]}")


if __name__ == "__main__":
    main()
