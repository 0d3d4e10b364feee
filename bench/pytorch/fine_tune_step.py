"""PyTorch eager baseline of one fine-tune step of newsrec-lab's PLM news recommender.

The model and step match the fine-tune stage with the Tiny-NewsRec authors'
defaults: a BERT-family checkpoint (all-MiniLM-L6-v2 here) reads each title
(30 tokens), additive attention (query size 200) pools the token states, a
dense layer maps them to a 256-d news vector; an additive-attention user
encoder with a learned pad vector pools the last 50 clicked news; the click
score is a dot product; the loss is softmax cross-entropy over 1 clicked and
4 skipped candidates from the same impression; Adam with learning rate 1e-4;
only the top 2 transformer layers, the pooling, the dense layer and the user
encoder train. As in the authors' code, every history entry and candidate of
the batch goes through the whole PLM each step (model.train(), dropout on).

Prints one JSON line: samples/s of each timed step and the settings used.
"""
import argparse
import json
import os
import random
import resource
import sys
import time

import torch
from torch import nn
from transformers import AutoTokenizer, BertModel


class AdditiveAttention(nn.Module):
    """softmax over items of q . tanh(W x + b), masked, as in NRMS and Tiny-NewsRec."""

    def __init__(self, size, query_size):
        super().__init__()
        self.dense = nn.Linear(size, query_size)
        self.query = nn.Linear(query_size, 1, bias=False)

    def forward(self, x, mask):
        scores = self.query(torch.tanh(self.dense(x))).squeeze(-1)
        scores = scores.masked_fill(mask == 0, -1e9)
        weights = torch.softmax(scores, dim=-1)
        return torch.einsum("bn,bnd->bd", weights, x)


class Recommender(nn.Module):
    def __init__(self, checkpoint, news_size, query_size, trainable_layers):
        super().__init__()
        self.bert = BertModel.from_pretrained(checkpoint, add_pooling_layer=False)
        hidden = self.bert.config.hidden_size
        for parameter in self.bert.parameters():
            parameter.requires_grad = False
        for layer in self.bert.encoder.layer[len(self.bert.encoder.layer) - trainable_layers :]:
            for parameter in layer.parameters():
                parameter.requires_grad = True
        self.pooling = AdditiveAttention(hidden, query_size)
        self.projection = nn.Linear(hidden, news_size)
        self.user_attention = AdditiveAttention(news_size, query_size)
        self.pad_vector = nn.Parameter(torch.empty(news_size).uniform_(-1, 1))

    def encode_news(self, input_ids, attention_mask):
        states = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.projection(self.pooling(states, attention_mask))

    def forward(self, history_ids, history_mask, candidate_ids, titles, title_masks):
        batch, history_length = history_ids.shape
        candidate_count = candidate_ids.shape[1]
        rows = torch.cat([history_ids.clamp(min=0).reshape(-1), candidate_ids.reshape(-1)])
        vectors = self.encode_news(titles[rows], title_masks[rows])
        history = vectors[: batch * history_length].view(batch, history_length, -1)
        candidates = vectors[batch * history_length :].view(batch, candidate_count, -1)
        keep = history_mask.unsqueeze(-1)
        history = history * keep + (1 - keep) * self.pad_vector
        users = self.user_attention(history, torch.ones_like(history_mask))
        return torch.einsum("bcd,bd->bc", candidates, users)


def read_news(path):
    ids, titles = [], []
    with open(path, encoding="utf8") as file:
        for line in file:
            fields = line.rstrip("\n").split("\t")
            if len(fields) >= 4:
                ids.append(fields[0])
                titles.append(fields[3])
    return ids, titles


def read_samples(path, index, history_length, npratio, generator):
    samples = []
    with open(path, encoding="utf8") as file:
        for line in file:
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 5:
                continue
            history = [index[news] for news in fields[3].split()][-history_length:]
            history = [-1] * (history_length - len(history)) + history
            clicked, skipped = [], []
            for candidate in fields[4].split():
                news, label = candidate.rsplit("-", 1)
                (clicked if label == "1" else skipped).append(index[news])
            if not clicked or not skipped:
                continue
            for positive in clicked:
                if len(skipped) >= npratio:
                    negatives = generator.sample(skipped, npratio)
                else:
                    negatives = [generator.choice(skipped) for _ in range(npratio)]
                samples.append((history, [positive] + negatives))
    return samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--mind", required=True, help="MIND-format directory with train/news.tsv and train/behaviors.tsv")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--history", type=int, default=50)
    parser.add_argument("--npratio", type=int, default=4)
    parser.add_argument("--title-length", type=int, default=30)
    parser.add_argument("--trainable-layers", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default, every core)")
    args = parser.parse_args()

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(7)
    generator = random.Random(7)
    ids, titles = read_news(os.path.join(args.mind, "train", "news.tsv"))
    index = {news: row for row, news in enumerate(ids)}
    tokenizer = AutoTokenizer.from_pretrained(args.checkpoint)
    encoded = tokenizer(titles, max_length=args.title_length, truncation=True, padding="max_length", return_tensors="pt")
    samples = read_samples(os.path.join(args.mind, "train", "behaviors.tsv"), index, args.history, args.npratio, generator)
    generator.shuffle(samples)

    model = Recommender(args.checkpoint, 256, 200, args.trainable_layers)
    model.train()
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    loss_function = nn.CrossEntropyLoss()

    rates = []
    for step in range(args.warmup + args.steps):
        chunk = samples[step * args.batch : (step + 1) * args.batch]
        history_ids = torch.tensor([sample[0] for sample in chunk])
        candidate_ids = torch.tensor([sample[1] for sample in chunk])
        history_mask = (history_ids >= 0).float()
        started = time.perf_counter()
        scores = model(history_ids, history_mask, candidate_ids, encoded["input_ids"], encoded["attention_mask"])
        loss = loss_function(scores, torch.zeros(len(chunk), dtype=torch.long))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        seconds = time.perf_counter() - started
        if step >= args.warmup:
            rates.append(len(chunk) / seconds)
        print(f"step {step + 1}: {seconds:.2f} s, loss {loss.item():.4f}", file=sys.stderr, flush=True)
    print(json.dumps({"samplesPerSecond": rates, "torch": torch.__version__, "threads": torch.get_num_threads(), "samples": len(samples), "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
