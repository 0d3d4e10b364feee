"""Write the Hugging Face reference values that test/model/bertParity.test.ts compares against.

Runs the `transformers` tokenizer and BertModel of a checkpoint on real MIND titles and
abstracts and stores token ids, attention masks and hidden states in a small JSON
fixture, so the tests need no PyTorch. Run it once after changing what the fixture holds:

    python3 -m venv .cache/venv && .cache/venv/bin/pip install torch transformers
    .cache/venv/bin/python scripts/reference/bert_reference.py

Float arrays are stored as base64 of little-endian float32 to keep the fixture small.
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
    return base64.b64encode(values.astype("<f4").tobytes()).decode("ascii")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, default=ROOT / ".cache/checkpoints/all-MiniLM-L6-v2")
    parser.add_argument("--news", type=Path, default=ROOT.parent / "shared/data/mind-sample/train/news.tsv")
    parser.add_argument("--output", type=Path, default=ROOT / "test/fixtures/minilm-reference.json")
    parser.add_argument("--title-length", type=int, default=30, help="max tokens per title in the tokenizer part")
    parser.add_argument("--model-texts", type=int, default=16, help="titles and as many abstracts run through the model")
    parser.add_argument("--model-length", type=int, default=48, help="max tokens per text in the model part")
    args = parser.parse_args()

    news = read_news(args.news)
    tokenizer = AutoTokenizer.from_pretrained(args.checkpoint)
    model = BertModel.from_pretrained(args.checkpoint, add_pooling_layer=False).eval()

    # Tokenizer part: every title in file order, truncated like the framework's title encoding.
    # Ids are concatenated as little-endian uint16 (BERT vocabularies have fewer than 65,536 tokens).
    title_ids = [tokenizer(title, truncation=True, max_length=args.title_length)["input_ids"] for _, title, _ in news]
    concatenated = np.array([token for ids in title_ids for token in ids], dtype="<u2")

    # Model part: titles and non-empty abstracts in one right-padded batch.
    texts = [{"newsId": news_id, "field": "title"} for news_id, _, _ in news[: args.model_texts]]
    texts += [{"newsId": news_id, "field": "abstract"} for news_id, _, abstract in news if abstract][: args.model_texts]
    by_id = {news_id: (title, abstract) for news_id, title, abstract in news}
    strings = [by_id[text["newsId"]][0 if text["field"] == "title" else 1] for text in texts]
    batch = tokenizer(strings, truncation=True, max_length=args.model_length, padding=True, return_tensors="pt")
    with torch.no_grad():
        states = model(**batch).last_hidden_state.numpy()
    mask = batch["attention_mask"].numpy().astype(np.float32)
    mean = (states * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)

    fixture = {
        "description": "Hugging Face transformers outputs of all-MiniLM-L6-v2 on MIND sample texts; written by scripts/reference/bert_reference.py",
        "versions": {"transformers": transformers.__version__, "torch": torch.__version__, "tokenizer": type(tokenizer).__name__},
        "tokenizer": {
            "maxLength": args.title_length,
            "lengths": [len(ids) for ids in title_ids],
            "ids": base64.b64encode(concatenated.tobytes()).decode("ascii"),
        },
        "model": {
            "texts": texts,
            "inputIds": batch["input_ids"].tolist(),
            "attentionMask": batch["attention_mask"].tolist(),
            "hiddenSize": int(states.shape[2]),
            "cls": encode_floats(states[:, 0, :]),
            "maskedMean": encode_floats(mean),
            # Every real token's state of the first text (padding excluded).
            "fullStates": encode_floats(states[0, : int(mask[0].sum())]),
        },
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(fixture, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
