#!/usr/bin/python3
"""Builds fairseq-style checkpoints of the small fixture SuperTransformer for
test_import_hat_checkpoint, shaped like HAT's released ones: {'args': argparse.Namespace,
'model': OrderedDict state dict, 'optimizer_history', 'extra_state' (with an object of a
fairseq class, as fairseq's trainer stores its meters), 'last_optimizer_state'}.

Usage: make_fairseq_checkpoint.py FIXTURES_DIR OUT_DIR

Writes in OUT_DIR:
  legacy.pt       float32, PyTorch's legacy format (what HAT released, pre-1.6 torch.save)
  zip.pt          float32, zip format
  fp16.pt         the weights rounded to float16, legacy format (fp16 training)
  padded.pt       embedding padded to 104 rows (fairseq's multiple-of-8 padding), zip format
  unshared.pt     trained without --share-all-embeddings (separate decoder embedding)
  differing_embeddings.pt  args say shared, but the two embedding tables differ
  dict.txt        96 symbols (4 specials + 96 = the fixture's 100 embedding rows)
  dict95.txt      95 symbols (does not fit 100 rows)
  runs_code.pt    a checkpoint whose extra_state would run `touch OUT_DIR/pwned` when unpickled
  not_a_checkpoint.pt  a text file
"""

import argparse
import collections
import json
import os
import sys
import types

import torch


def fake_fairseq_meters():
    """A class that pickles as fairseq.meters.AverageMeter although fairseq is not installed
    (the converter must read checkpoints without fairseq)."""
    fairseq = types.ModuleType("fairseq")
    meters = types.ModuleType("fairseq.meters")

    class AverageMeter:
        def __init__(self):
            self.val, self.avg, self.sum, self.count = 0.5, 0.25, 3.0, 12

    AverageMeter.__module__ = "fairseq.meters"
    AverageMeter.__qualname__ = "AverageMeter"
    meters.AverageMeter = AverageMeter
    fairseq.meters = meters
    sys.modules["fairseq"] = fairseq
    sys.modules["fairseq.meters"] = meters
    return AverageMeter


class RunsCommand:
    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


def fairseq_checkpoint(args, state, meter_cls):
    model = collections.OrderedDict(state)
    first = next(iter(model.values()))
    return {
        "args": argparse.Namespace(**args),
        "model": model,
        "optimizer_history": [{"criterion_name": "LabelSmoothedCrossEntropyCriterion",
                               "optimizer_name": "FairseqAdam",
                               "lr_scheduler_state": {"best": 3.78},
                               "num_updates": 1500}],
        "extra_state": {"train_iterator": {"epoch": 4, "iterations_in_epoch": 0},
                        "val_loss": 3.78, "best": 3.78,
                        "train_meters": collections.OrderedDict(train_loss=meter_cls())},
        "last_optimizer_state": {"state": {0: {"step": 1500, "exp_avg": torch.zeros_like(first)}},
                                 "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.98),
                                                   "params": [0]}]},
    }


def main():
    fixtures, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    meter_cls = fake_fairseq_meters()
    with open(os.path.join(fixtures, "hat_parity", "supernet_config.json")) as f:
        hat_args = json.load(f)["hat_args"]
    args = dict(hat_args, task="translation", source_lang="en", target_lang="de",
                optimizer="adam", lr=[1e-3], max_tokens=4096, fp16=False)
    state = torch.load(os.path.join(fixtures, "hat_parity", "supernet_state_dict.pt"))
    # fairseq's state_dict of shared modules: the same tensor under both names.
    state["decoder.embed_tokens.weight"] = state["encoder.embed_tokens.weight"]

    def save(obj, name, legacy):
        torch.save(obj, os.path.join(out, name), _use_new_zipfile_serialization=not legacy)

    save(fairseq_checkpoint(args, state, meter_cls), "legacy.pt", legacy=True)
    save(fairseq_checkpoint(args, state, meter_cls), "zip.pt", legacy=False)

    half = {k: (v.half() if v.is_floating_point() else v) for k, v in state.items()}
    save(fairseq_checkpoint(dict(args, fp16=True), half, meter_cls), "fp16.pt", legacy=True)

    padded = dict(state)
    emb = state["encoder.embed_tokens.weight"]
    padded["encoder.embed_tokens.weight"] = torch.cat([emb, torch.full((4, emb.shape[1]), 0.5)])
    padded["decoder.embed_tokens.weight"] = padded["encoder.embed_tokens.weight"]
    save(fairseq_checkpoint(args, padded, meter_cls), "padded.pt", legacy=False)

    unshared = dict(state)
    unshared["decoder.embed_tokens.weight"] = emb + 1.0
    save(fairseq_checkpoint(dict(args, share_all_embeddings=False,
                                 share_decoder_input_output_embed=False), unshared, meter_cls),
         "unshared.pt", legacy=True)
    # The args claim shared embeddings but the two tables differ.
    save(fairseq_checkpoint(args, unshared, meter_cls), "differing_embeddings.pt", legacy=False)

    for name, n in (("dict.txt", 96), ("dict95.txt", 95)):
        with open(os.path.join(out, name), "w") as f:
            f.writelines(f"w{i:03d} {1000 - i}\n" for i in range(n))
    # Unpickling this would run a shell command: the converter must not.
    evil = fairseq_checkpoint(args, state, meter_cls)
    evil["extra_state"]["payload"] = RunsCommand(f"touch {os.path.join(out, 'pwned')}")
    save(evil, "runs_code.pt", legacy=True)
    with open(os.path.join(out, "not_a_checkpoint.pt"), "w") as f:
        f.write("this is not a checkpoint\n")


if __name__ == "__main__":
    main()
