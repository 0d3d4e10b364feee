"""Compute reference values for the loss tests (test/fixtures/losses/losses.json).

Each formula is written out with numpy so that the TensorFlow.js losses are
checked against an independent implementation:
  infonce               -log softmax(scores)[0]
  softmax cross-entropy -log softmax(logits)[label]
  soft-target           -sum softmax(teacher / T) * log softmax(student / T), times T^2 if asked
  embedding alignment   sum_i w_i * mean_d (t_i @ W_i.T + b_i - s)^2
  loss-based weights    softmax_i(-CE(teacher_i, label))
Run once with numpy installed:
    python scripts/reference/losses_reference.py > test/fixtures/losses/losses.json
"""

import json
import sys

import numpy as np


def log_softmax(x):
    shifted = x - x.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax(x):
    return np.exp(log_softmax(x))


def cross_entropy(logits, labels):
    return -log_softmax(logits)[np.arange(len(labels)), labels]


def main():
    scores = np.array([[2.0, 1.0, 0.0, -1.0], [0.5, 1.5, -0.5, 0.0], [0.0, 0.0, 0.0, 0.0]])
    logits = np.array([[1.0, 2.0, 3.0], [1.0, 0.0, -1.0]])
    labels = np.array([0, 2])

    teacher = np.array([[1.0, 0.0, -1.0, 0.5], [0.5, 0.5, 2.0, -1.0]])
    student = np.array([[0.0, 1.0, 0.0, 0.2], [1.0, 1.0, 1.0, 1.0]])
    temperature = 2.0
    soft_target = -(softmax(teacher / temperature) * log_softmax(student / temperature)).sum(axis=1)

    teacher_a = np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 1.0]])
    teacher_b = np.array([[0.3, -0.2], [1.0, 1.0]])
    weight_a = np.array([[0.1, 0.2, 0.3], [-0.4, 0.5, 0.0]])
    bias_a = np.array([0.05, -0.1])
    weight_b = np.array([[1.0, -1.0], [0.5, 0.25]])
    bias_b = np.array([0.0, 0.2])
    student_vectors = np.array([[0.2, 0.1], [-0.3, 0.6]])
    teacher_weights = np.array([[0.25, 0.75], [1.0, 0.0]])
    error_a = ((teacher_a @ weight_a.T + bias_a - student_vectors) ** 2).mean(axis=1)
    error_b = ((teacher_b @ weight_b.T + bias_b - student_vectors) ** 2).mean(axis=1)
    alignment = teacher_weights[:, 0] * error_a + teacher_weights[:, 1] * error_b

    teacher_logits = [
        np.array([[3.0, 0.0, 0.0], [0.0, 1.0, 0.0]]),
        np.array([[0.0, 2.0, 0.0], [0.0, 0.0, 1.0]]),
        np.array([[1.0, 1.0, 1.0], [2.0, 0.0, 0.0]]),
    ]
    weighting_labels = np.array([0, 2])
    teacher_losses = np.stack([cross_entropy(x, weighting_labels) for x in teacher_logits], axis=1)
    loss_based = softmax(-teacher_losses)

    result = {
        "generator": f"scripts/reference/losses_reference.py with numpy {np.__version__}",
        "infonce": {"scores": scores.tolist(), "perSample": (-log_softmax(scores)[:, 0]).tolist()},
        "softmaxCrossEntropy": {
            "logits": logits.tolist(),
            "labels": labels.tolist(),
            "perSample": cross_entropy(logits, labels).tolist(),
        },
        "softTarget": {
            "teacher": teacher.tolist(),
            "student": student.tolist(),
            "temperature": temperature,
            "perSample": soft_target.tolist(),
            "perSampleScaled": (soft_target * temperature**2).tolist(),
        },
        "embeddingAlignment": {
            "teachers": [teacher_a.tolist(), teacher_b.tolist()],
            "maps": [
                {"weight": weight_a.tolist(), "bias": bias_a.tolist()},
                {"weight": weight_b.tolist(), "bias": bias_b.tolist()},
            ],
            "student": student_vectors.tolist(),
            "weights": teacher_weights.tolist(),
            "perSample": alignment.tolist(),
        },
        "lossBasedWeighting": {
            "teacherLogits": [x.tolist() for x in teacher_logits],
            "labels": weighting_labels.tolist(),
            "weights": loss_based.tolist(),
        },
    }
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
