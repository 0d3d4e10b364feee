"""Load the framework's exported student with `transformers` and record what it computes.

test/fixtures/student-export is a small seeded student saved by the framework in
Hugging Face layout (written by scripts/reference/write-student-export.ts). This
script loads that directory with AutoTokenizer and AutoModel, as a user of the
exported model would, and runs it on MIND titles in one padded batch. It writes the
token ids, attention masks, last hidden states and news vectors to
test/fixtures/student-export-reference.json. The news vectors come from the additive
attention and projection weights of news-encoder.safetensors, applied in PyTorch.
test/model/studentExport.test.ts compares the framework against that file, so CI
needs no PyTorch.

    .cache/venv/bin/python scripts/reference/student_export_reference.py
"""

import argparse
import base64
import json
from pathlib import Path

import numpy as np
import torch
import transformers
from safetensors.torch import load_file
from transformers import AutoModel, AutoTokenizer

ROOT = Path(__file__).resolve().parents[2]


def read_titles(path: Path, start: int, count: int) -> list[str]:
    lines = [line for line in path.read_text(encoding="utf-8").split("\n") if line != ""]
    return [line.split("\t")[3] for line in lines[start : start + count]]


def encode_floats(values: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(values).astype("<f4").tobytes()).decode("ascii")


def news_vectors(states: torch.Tensor, mask: torch.Tensor, head: dict[str, torch.Tensor]) -> torch.Tensor:
    """Additive attention over real tokens, then the dense projection, as PlmNewsEncoder computes them."""
    scores = torch.tanh(states @ head["pooling.dense.weight"].T + head["pooling.dense.bias"]) @ head["pooling.query"]
    scores = scores.masked_fill(mask == 0, torch.finfo(scores.dtype).min)
    pooled = (torch.softmax(scores, dim=-1).unsqueeze(-1) * states).sum(dim=1)
    return pooled @ head["projection.weight"].T + head["projection.bias"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--export", type=Path, default=ROOT / "test/fixtures/student-export")
    parser.add_argument("--news", type=Path, default=ROOT.parent / "shared/data/mind-sample/train/news.tsv")
    parser.add_argument("--output", type=Path, default=ROOT / "test/fixtures/student-export-reference.json")
    # Titles after the ones the student's vocabulary was built from, so some words fall back to characters or [UNK].
    parser.add_argument("--first-title", type=int, default=1000)
    parser.add_argument("--titles", type=int, default=8)
    parser.add_argument("--max-length", type=int, default=40)
    args = parser.parse_args()

    titles = read_titles(args.news, args.first_title, args.titles)
    tokenizer = AutoTokenizer.from_pretrained(args.export)
    model, loading = AutoModel.from_pretrained(args.export, output_loading_info=True)
    model.eval()
    # A tensor missing from the export would be initialised at random and pass silently.
    problems = {key: value for key, value in loading.items() if value}
    if problems:
        raise SystemExit(f"{args.export}: transformers reported {problems}")
    head = load_file(args.export / "news-encoder.safetensors")

    batch = tokenizer(titles, truncation=True, max_length=args.max_length, padding=True, return_tensors="pt")
    with torch.no_grad():
        states = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
        vectors = news_vectors(states, batch["attention_mask"], head)

    config = model.config
    fixture = {
        "description": "transformers AutoTokenizer and AutoModel outputs of test/fixtures/student-export; written by scripts/reference/student_export_reference.py",
        "versions": {"transformers": transformers.__version__, "torch": torch.__version__},
        "loadedAs": {"model": type(model).__name__, "tokenizer": type(tokenizer).__name__},
        "config": {
            "hidden_size": config.hidden_size,
            "num_hidden_layers": config.num_hidden_layers,
            "num_attention_heads": config.num_attention_heads,
            "intermediate_size": config.intermediate_size,
            "hidden_act": config.hidden_act,
            "layer_norm_eps": config.layer_norm_eps,
            "max_position_embeddings": config.max_position_embeddings,
            "type_vocab_size": config.type_vocab_size,
        },
        "titles": titles,
        "maxLength": args.max_length,
        "inputIds": batch["input_ids"].tolist(),
        "attentionMask": batch["attention_mask"].tolist(),
        "lastHiddenState": encode_floats(states.numpy()),
        "newsVectors": encode_floats(vectors.numpy()),
    }
    args.output.write_text(json.dumps(fixture, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
