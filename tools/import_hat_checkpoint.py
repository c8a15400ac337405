#!/usr/bin/python3
"""Import one of HAT's released SuperTransformers into HAT Explorer's checkpoint format.

HAT publishes fairseq checkpoints: a pickled dict {'args': argparse.Namespace, 'model': state
dict, 'optimizer_history': ..., 'extra_state': ..., 'last_optimizer_state': ...}, in PyTorch's
legacy format or its zip format. LibTorch reads neither (legacy pickles, Namespace objects), so
this script rewrites the weights as HAT Explorer stores them:

  OUT/supernet.pt  a plain dict {name: float32 tensor} under HAT's parameter names (torch.save,
                   zip format), the shared embedding stored once under both of its names, plus
                   "hat_explorer.space_yaml" (the design space from the checkpoint's args, YAML
                   bytes) and "hat_explorer.width_divisor" (1), so hat::loadSuperTransformer
                   needs nothing else;
  OUT/dict.txt     the fairseq dictionary the checkpoint was trained with (fairseq checkpoints
                   do not contain it), checked against the embedding's row count.

Usage:
  python3 tools/import_hat_checkpoint.py CHECKPOINT.pt --dict dict.txt --out OUT_DIR

Needs Debian's python3-torch (on systems with another python3 first on PATH, run it with
/usr/bin/python3). fairseq is not needed: objects of other packages that training stored in the
checkpoint (fairseq's meters, numpy scalars) are read as inert placeholders and dropped, and no
code named by the file is run.

Bad input gives one line "FILE: problem" on stderr and exit code 2.
"""

import argparse
import json
import math
import os
import pickle
import re
import sys
import types
import zipfile

SPECIALS = ("<s>", "<pad>", "</s>", "<unk>")  # fairseq's dictionary indices 0..3
PAD_FACTOR = 8  # fairseq pads dictionaries to a multiple of 8 with madeupwordNNNN

# (our YAML key, HAT's argparse name); sizes then choice lists, the order DesignSpace::toYaml uses.
SIZE_KEYS = [
    ("encoder-embed-dim", "encoder_embed_dim"),
    ("decoder-embed-dim", "decoder_embed_dim"),
    ("encoder-ffn-embed-dim", "encoder_ffn_embed_dim"),
    ("decoder-ffn-embed-dim", "decoder_ffn_embed_dim"),
    ("encoder-layers", "encoder_layers"),
    ("decoder-layers", "decoder_layers"),
    ("encoder-attention-heads", "encoder_attention_heads"),
    ("decoder-attention-heads", "decoder_attention_heads"),
    ("qkv-dim", "qkv_dim"),
]
CHOICE_KEYS = [
    ("encoder-embed-choice", "encoder_embed_choice"),
    ("decoder-embed-choice", "decoder_embed_choice"),
    ("encoder-ffn-embed-dim-choice", "encoder_ffn_embed_dim_choice"),
    ("decoder-ffn-embed-dim-choice", "decoder_ffn_embed_dim_choice"),
    ("encoder-layer-num-choice", "encoder_layer_num_choice"),
    ("decoder-layer-num-choice", "decoder_layer_num_choice"),
    ("encoder-self-attention-heads-choice", "encoder_self_attention_heads_choice"),
    ("decoder-self-attention-heads-choice", "decoder_self_attention_heads_choice"),
    ("decoder-ende-attention-heads-choice", "decoder_ende_attention_heads_choice"),
    ("decoder-arbitrary-ende-attn-choice", "decoder_arbitrary_ende_attn_choice"),
]
# A super size left out of the args defaults to the largest choice (HAT's arch defaults do the
# same for its spaces; DesignSpace::parseYaml applies the same rule).
SIZE_DEFAULTS = {
    "encoder_embed_dim": ["encoder_embed_choice"],
    "decoder_embed_dim": ["decoder_embed_choice"],
    "encoder_ffn_embed_dim": ["encoder_ffn_embed_dim_choice"],
    "decoder_ffn_embed_dim": ["decoder_ffn_embed_dim_choice"],
    "encoder_layers": ["encoder_layer_num_choice"],
    "decoder_layers": ["decoder_layer_num_choice"],
    "encoder_attention_heads": ["encoder_self_attention_heads_choice"],
    "decoder_attention_heads": ["decoder_self_attention_heads_choice",
                                "decoder_ende_attention_heads_choice"],
}


class InputError(Exception):
    """A problem with one of the input files: reported as 'FILE: problem', exit code 2."""

    def __init__(self, path, problem):
        super().__init__(f"{path}: {problem}")


# --- reading the checkpoint without running code from it ------------------------------------

class _Placeholder:
    """Stands for an object of a class the converter does not need (fairseq meters, numpy
    scalars, ...): accepts whatever the pickle passes and keeps it inert."""

    def __new__(cls, *args, **kwargs):
        return object.__new__(cls)

    def __init__(self, *args, **kwargs):
        self.args = args

    def __setstate__(self, state):
        self.state = state

    def __repr__(self):
        return f"<{self._origin} (not loaded)>"


def _safe_pickle_module(torch):
    """A pickle module for torch.load that resolves only the globals a state dict and an
    argparse.Namespace need; every other name becomes a placeholder class."""
    allowed_builtins = {"set", "frozenset", "complex", "slice", "range", "bytearray"}
    tensor_types = {("torch", "Tensor"): torch.Tensor,
                    ("torch._tensor", "Tensor"): torch.Tensor,
                    ("torch.nn.parameter", "Parameter"): torch.nn.Parameter,
                    ("torch", "Size"): torch.Size,
                    ("torch", "device"): torch.device}

    class SafeUnpickler(pickle.Unpickler):
        def find_class(self, module, name):
            if (module, name) in (("collections", "OrderedDict"), ("argparse", "Namespace")):
                return pickle.Unpickler.find_class(self, module, name)
            if module == "builtins" and name in allowed_builtins:
                return pickle.Unpickler.find_class(self, module, name)
            if module in ("torch._utils", "torch._tensor") and name.startswith("_rebuild_"):
                return getattr(sys.modules[module], name)
            if (module, name) in tensor_types:
                return tensor_types[(module, name)]
            if module == "torch" and isinstance(getattr(torch, name, None), torch.dtype):
                return getattr(torch, name)
            # (torch.load resolves the *Storage names itself before asking us.)
            return type(name, (_Placeholder,), {"_origin": f"{module}.{name}"})

    mod = types.ModuleType("hat_safe_pickle")
    mod.Unpickler = SafeUnpickler
    mod.load = lambda f, **kw: SafeUnpickler(f, **kw).load()
    return mod


def _torch_load(torch, path, zip_format, pickle_module):
    if int(torch.__version__.split(".")[0]) >= 2:
        return torch.load(path, map_location="cpu", pickle_module=pickle_module,
                          weights_only=False)
    # torch 1.x's torch.load replaces any pickle_module by pickle unless weights_only is set (and
    # weights_only refuses argparse.Namespace), so call the two readers it dispatches to.
    ser = torch.serialization
    with open(path, "rb") as f:
        if zip_format:
            with ser._open_zipfile_reader(f) as archive:
                return ser._load(archive, "cpu", pickle_module, encoding="utf-8")
        return ser._legacy_load(f, "cpu", pickle_module, encoding="utf-8")


def load_fairseq_checkpoint(torch, path):
    if not os.path.isfile(path):
        raise InputError(path, "no such file")
    if os.path.getsize(path) == 0:
        raise InputError(path, "file is empty")
    zip_format = zipfile.is_zipfile(path)
    try:
        ckpt = _torch_load(torch, path, zip_format, _safe_pickle_module(torch))
    except Exception as e:  # pickle and torch raise many kinds; all mean "not a checkpoint"
        reason = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise InputError(path, f"not a PyTorch checkpoint ({reason})") from None
    if not isinstance(ckpt, dict) or "model" not in ckpt:
        found = ", ".join(sorted(map(str, ckpt))[:6]) if isinstance(ckpt, dict) else type(ckpt).__name__
        raise InputError(path, "not a fairseq checkpoint: expected a dict with 'model' and 'args' "
                               f"entries (found: {found})")
    if not isinstance(ckpt["model"], dict):
        raise InputError(path, "the 'model' entry is not a state dict")
    args = ckpt.get("args")
    if isinstance(args, argparse.Namespace):
        args = vars(args)
    if not isinstance(args, dict):
        extra = " (newer fairseq 'cfg' checkpoints are not supported)" if "cfg" in ckpt else ""
        raise InputError(path, f"no 'args' Namespace: cannot tell the design space{extra}")
    dropped = sorted(k for k in ckpt if k not in ("model", "args"))
    return ckpt["model"], args, zip_format, dropped


# --- design space ---------------------------------------------------------------------------

def space_from_args(path, args):
    def as_int(name, value):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise InputError(path, f"args.{name} = {value!r} is not an integer")
        try:
            v = int(value)
        except ValueError:
            raise InputError(path, f"args.{name} = {value!r} is not an integer") from None
        if v != float(value):
            raise InputError(path, f"args.{name} = {value!r} is not an integer")
        return v

    space = {}
    missing = [hat for _, hat in CHOICE_KEYS if args.get(hat) is None]
    if missing:
        raise InputError(path, "args lack the design space (" + ", ".join(missing) +
                               "): not a HAT SuperTransformer checkpoint")
    for _, hat in CHOICE_KEYS:
        value = args[hat]
        if not isinstance(value, (list, tuple)) or not value:
            raise InputError(path, f"args.{hat} = {value!r} is not a non-empty list")
        space[hat] = [as_int(hat, v) for v in value]
    for _, hat in SIZE_KEYS[:-1]:
        if args.get(hat) is not None:
            space[hat] = as_int(hat, args[hat])
        else:
            space[hat] = max(max(space[c]) for c in SIZE_DEFAULTS[hat])
    # HAT_SPEC §4: with qkv_dim unset, Q is the super embed dim.
    qkv = args.get("qkv_dim")
    space["qkv_dim"] = as_int("qkv_dim", qkv) if qkv is not None else space["encoder_embed_dim"]

    for hat, value in space.items():
        if isinstance(value, int) and value <= 0:
            raise InputError(path, f"args.{hat} = {value} must be positive")
    for choice, size in [("encoder_embed_choice", "encoder_embed_dim"),
                         ("decoder_embed_choice", "decoder_embed_dim"),
                         ("encoder_ffn_embed_dim_choice", "encoder_ffn_embed_dim"),
                         ("decoder_ffn_embed_dim_choice", "decoder_ffn_embed_dim"),
                         ("encoder_layer_num_choice", "encoder_layers"),
                         ("decoder_layer_num_choice", "decoder_layers")]:
        bad = [v for v in space[choice] if not 0 < v <= space[size]]
        if bad:
            raise InputError(path, f"args.{choice} value {bad[0]} is not in 1..{space[size]} "
                                   f"(args.{size})")
    for choice in ("encoder_self_attention_heads_choice", "decoder_self_attention_heads_choice",
                   "decoder_ende_attention_heads_choice"):
        bad = [h for h in space[choice] if h <= 0 or space["qkv_dim"] % h]
        if bad:
            raise InputError(path, f"args.{choice}: head count {bad[0]} does not divide "
                                   f"qkv_dim {space['qkv_dim']}")
    bad = [a for a in space["decoder_arbitrary_ende_attn_choice"] if a not in (-1, 1, 2)]
    if bad:
        raise InputError(path, f"args.decoder_arbitrary_ende_attn_choice value {bad[0]} not "
                               "allowed (allowed: -1, 1, 2)")
    return space


def space_yaml(name, space):
    # Double-quoted JSON strings are valid YAML scalars.
    lines = [f"name: {json_string(name)}"]
    lines += [f"{key}: {space[hat]}" for key, hat in SIZE_KEYS]
    lines += [f"{key}: [{', '.join(str(v) for v in space[hat])}]" for key, hat in CHOICE_KEYS]
    return "\n".join(lines) + "\n"


def json_string(s):
    return json.dumps(s, ensure_ascii=True)


def check_model_args(path, args):
    """Refuses what HAT Explorer's SuperTransformer does not implement."""
    if not args.get("share_all_embeddings", False):
        raise InputError(path, "trained without --share-all-embeddings (separate source and target "
                               "embeddings); HAT Explorer supports only shared embeddings")
    for name, wanted, what in [("encoder_normalize_before", False, "pre-norm encoder"),
                               ("decoder_normalize_before", False, "pre-norm decoder"),
                               ("encoder_learned_pos", False, "learned encoder positions"),
                               ("decoder_learned_pos", False, "learned decoder positions"),
                               ("no_token_positional_embeddings", False, "no positional embeddings"),
                               ("vocab_original_scaling", False, "embeddings scaled by the super dim")]:
        if bool(args.get(name, wanted)) != wanted:
            raise InputError(path, f"args.{name} is set ({what}); HAT Explorer implements HAT's "
                                   "post-norm Transformer with sinusoidal positions and "
                                   "embeddings scaled by the sampled dim only")
    act = args.get("activation_fn", "relu")
    if act != "relu":
        raise InputError(path, f"args.activation_fn = {act!r}; HAT Explorer implements ReLU only")


# --- weights --------------------------------------------------------------------------------

def expected_shapes(space, vocab):
    E = space["encoder_embed_dim"]
    Q = space["qkv_dim"]
    shapes = {"encoder.embed_tokens.weight": [vocab, E], "decoder.embed_tokens.weight": [vocab, E]}

    def attention(prefix):
        shapes[prefix + ".in_proj_weight"] = [3 * Q, E]
        shapes[prefix + ".in_proj_bias"] = [3 * Q]
        shapes[prefix + ".out_proj.weight"] = [E, Q]
        shapes[prefix + ".out_proj.bias"] = [E]

    def layer(prefix, ffn, attns, norms):
        for a in attns:
            attention(f"{prefix}.{a}")
        for n in norms:
            shapes[f"{prefix}.{n}.weight"] = [E]
            shapes[f"{prefix}.{n}.bias"] = [E]
        shapes[prefix + ".fc1.weight"] = [ffn, E]
        shapes[prefix + ".fc1.bias"] = [ffn]
        shapes[prefix + ".fc2.weight"] = [E, ffn]
        shapes[prefix + ".fc2.bias"] = [E]

    for i in range(space["encoder_layers"]):
        layer(f"encoder.layers.{i}", space["encoder_ffn_embed_dim"], ["self_attn"],
              ["self_attn_layer_norm", "final_layer_norm"])
    for i in range(space["decoder_layers"]):
        layer(f"decoder.layers.{i}", space["decoder_ffn_embed_dim"], ["self_attn", "encoder_attn"],
              ["self_attn_layer_norm", "encoder_attn_layer_norm", "final_layer_norm"])
    return shapes


def convert_weights(torch, path, state, space):
    enc = state.get("encoder.embed_tokens.weight")
    if not torch.is_tensor(enc) or enc.dim() != 2:
        raise InputError(path, "no 2-D 'encoder.embed_tokens.weight': not a HAT SuperTransformer")
    if "decoder.embed_out" in state:
        raise InputError(path, "has a separate output projection 'decoder.embed_out' (trained "
                               "without shared embeddings); HAT Explorer supports only shared "
                               "embeddings")
    dec = state.get("decoder.embed_tokens.weight", enc)
    if not torch.is_tensor(dec) or dec.shape != enc.shape or not torch.equal(dec, enc):
        raise InputError(path, "encoder and decoder embeddings differ; HAT Explorer supports "
                               "only shared embeddings")
    if space["encoder_embed_dim"] != space["decoder_embed_dim"]:
        raise InputError(path, f"shared embeddings but encoder_embed_dim "
                               f"{space['encoder_embed_dim']} != decoder_embed_dim "
                               f"{space['decoder_embed_dim']}")
    vocab = enc.shape[0]

    for name, shape in expected_shapes(space, vocab).items():
        t = state.get(name)
        if t is None:
            raise InputError(path, f"missing tensor '{name}'")
        if not torch.is_tensor(t) or list(t.shape) != shape:
            got = list(t.shape) if torch.is_tensor(t) else type(t).__name__
            raise InputError(path, f"tensor '{name}' has shape {got}, the args' space needs "
                                   f"{shape}")
    for name in state:
        m = re.match(r"(encoder|decoder)\.layers\.(\d+)\.", name)
        if m and int(m.group(2)) >= space[m.group(1) + "_layers"]:
            raise InputError(path, f"tensor '{name}' is beyond args.{m.group(1)}_layers = "
                                   f"{space[m.group(1) + '_layers']}")

    out, half = {}, 0
    for name, t in state.items():
        if not torch.is_tensor(t):
            continue  # fairseq bookkeeping that is not a tensor
        if name == "decoder.embed_tokens.weight":
            continue  # filled in below with the encoder's tensor
        if t.is_floating_point():
            half += t.dtype != torch.float32
            t = t.detach().to(torch.float32)
        # A copy of its own: a view would drag its whole original storage into the file.
        out[name] = t.contiguous().clone()
    out["decoder.embed_tokens.weight"] = out["encoder.embed_tokens.weight"]
    return out, vocab, half


# --- dictionary -----------------------------------------------------------------------------

def read_fairseq_dict(path):
    """Symbols and counts of a fairseq dict.txt, in index order after the 4 specials (as
    fairseq's Dictionary.add_from_file reads it, '#fairseq:overwrite' flags included)."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(path, f"cannot read ({e})") from None
    entries, seen = [], set(SPECIALS)
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        parts = line.rstrip().rsplit(" ", 1)
        overwrite = len(parts) == 2 and parts[1] == "#fairseq:overwrite"
        if overwrite:
            parts = parts[0].rsplit(" ", 1)
        if len(parts) != 2 or not parts[0] or not re.fullmatch(r"-?\d+", parts[1]):
            raise InputError(path, f"line {no}: expected '<symbol> <count>', got {line!r}")
        symbol, count = parts[0], int(parts[1])
        if symbol in seen:
            if overwrite:
                continue  # fairseq updates the existing entry; no new index
            raise InputError(path, f"line {no}: duplicate symbol {symbol!r}")
        seen.add(symbol)
        entries.append((symbol, count))
    if not entries:
        raise InputError(path, "dictionary has no symbols")
    return entries


def match_dict_to_vocab(dict_path, ckpt_path, entries, vocab):
    size = len(SPECIALS) + len(entries)
    padded = math.ceil(size / PAD_FACTOR) * PAD_FACTOR
    if vocab == size:
        return entries, 0
    if vocab == padded:
        # fairseq padded the dictionary when it built the model; dict.txt was saved before.
        n = padded - size
        taken = {s for s, _ in entries}
        pad = [f"madeupword{i:04d}" for i in range(n)]
        if taken.intersection(pad):
            raise InputError(dict_path, "already has madeupword entries but still needs padding")
        return entries + [(s, 0) for s in pad], n
    raise InputError(dict_path, f"{len(entries)} symbols + {len(SPECIALS)} specials = {size} "
                                f"entries ({padded} when padded to a multiple of {PAD_FACTOR}), "
                                f"but the embedding of {ckpt_path} has {vocab} rows")


# --- main -----------------------------------------------------------------------------------

def convert(opts):
    try:
        import torch
    except ImportError:
        sys.stderr.write(f"{sys.executable}: cannot import torch; install Debian's python3-torch "
                         "(scripts/install-deps.sh) and run this script with /usr/bin/python3\n")
        return 1

    entries = read_fairseq_dict(opts.dict)
    state, args, zip_format, dropped = load_fairseq_checkpoint(torch, opts.checkpoint)
    check_model_args(opts.checkpoint, args)
    space = space_from_args(opts.checkpoint, args)
    weights, vocab, half = convert_weights(torch, opts.checkpoint, state, space)
    entries, padding = match_dict_to_vocab(opts.dict, opts.checkpoint, entries, vocab)

    name = opts.name or os.path.splitext(os.path.basename(opts.checkpoint))[0]
    yaml = space_yaml(name, space).encode("utf-8")
    weights["hat_explorer.space_yaml"] = torch.tensor(list(yaml), dtype=torch.uint8)
    weights["hat_explorer.width_divisor"] = torch.tensor([1], dtype=torch.int64)

    try:
        os.makedirs(opts.out, exist_ok=True)
    except OSError as e:
        raise InputError(opts.out, f"cannot create output directory ({e.strerror})") from None
    model_path = os.path.join(opts.out, "supernet.pt")
    dict_path = os.path.join(opts.out, "dict.txt")
    # Temporary files renamed into place: an interrupted run leaves no half-written output.
    try:
        torch.save(dict(sorted(weights.items())), model_path + ".tmp")
        with open(dict_path + ".tmp", "w", encoding="utf-8") as f:
            f.writelines(f"{s} {c}\n" for s, c in entries)
        os.replace(model_path + ".tmp", model_path)
        os.replace(dict_path + ".tmp", dict_path)
    except OSError as e:
        raise InputError(e.filename or opts.out, f"cannot write ({e.strerror})") from None

    n_tensors = len(weights) - 2
    print(f"Imported {opts.checkpoint} ({'zip' if zip_format else 'legacy'} format)")
    print(f"  space '{name}': embed {space['encoder_embed_dim']}, ffn "
          f"{space['encoder_ffn_embed_dim']}/{space['decoder_ffn_embed_dim']}, layers "
          f"{space['encoder_layers']}+{space['decoder_layers']}, qkv {space['qkv_dim']}, "
          f"vocabulary {vocab}")
    print(f"  {n_tensors} tensors" + (f" ({half} cast to float32)" if half else "") +
          (f"; dropped {', '.join(dropped)}" if dropped else ""))
    print(f"  dictionary: {len(entries) - padding} symbols from {opts.dict}" +
          (f" + {padding} madeupword padding entries" if padding else ""))
    print(f"  wrote {model_path} and {dict_path}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Convert a HAT (fairseq) SuperTransformer checkpoint into HAT Explorer's "
                    "format: OUT/supernet.pt and OUT/dict.txt.")
    parser.add_argument("checkpoint", help="HAT's checkpoint (.pt, legacy or zip format)")
    parser.add_argument("--dict", required=True,
                        help="the fairseq dict.txt the SuperTransformer was trained with "
                             "(source = target with shared embeddings)")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--name", help="design space name (default: the checkpoint's file stem)")
    opts = parser.parse_args(argv)
    try:
        return convert(opts)
    except InputError as e:
        sys.stderr.write(f"{e}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
