"""A small MLP written as plain functions over a dict of parameter tensors.

Layers are named as the trace names them: ``fc1``, ``act1``, ``drop1``,
``fc2``, ... The same functions run one model (``W`` of shape (out, in)) or a
stack of ``M`` models at once (``W`` of shape (M, out, in)): matmul
broadcasts over the leading axis. That is how :func:`vizlab.sweep` trains a
grid of configs in one pass and still matches :func:`vizlab.train`.
"""

from __future__ import annotations

import math
import platform
from collections.abc import Sequence

import torch
import torch.nn.functional as F

from vizlab.core import threads


def sigmoid(z: torch.Tensor) -> torch.Tensor:
    """``1 / (1 + exp(-z))``, elementwise, rounded alike wherever ``z`` lies in a tensor.

    ``torch.sigmoid`` (and ``F.elu``) round an element differently (by an ulp)
    in the vectorised body of their loop than in its remainder, so the same
    model alone and inside a stack of models (a sweep) would differ in the
    last bit. ``exp``, ``+`` and the reciprocal round the same everywhere.
    With a graph to build it is ``torch.sigmoid``, whose backward stays exact
    where the unit saturates (``exp(-z)`` overflows there: 0 * inf is NaN).
    """
    if z.requires_grad and torch.is_grad_enabled():
        return torch.sigmoid(z)
    return torch.exp(-z).add_(1).reciprocal_()


def sigmoid_(z: torch.Tensor) -> torch.Tensor:
    """:func:`sigmoid` in place."""
    return z.neg_().exp_().add_(1).reciprocal_()


def _cpu_vendor() -> str:
    """The CPU's vendor string (``GenuineIntel``, ``AuthenticAMD``, ...), or ``""`` if unknown."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("vendor_id"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    text = platform.processor()  # e.g. "Intel64 Family 6 Model 85 Stepping 7, GenuineIntel"
    return next((v for v in ("GenuineIntel", "AuthenticAMD") if v in text), "")


#: torch's CPU ``tanh`` is MKL's VML wherever torch is built with MKL, and VML
#: takes a slow path on CPUs that are not Intel's: on an AMD EPYC it ran at the
#: speed of scalar code (630 us for 64 x 240 x 16 float32 on one thread, against
#: 115 us for ``torch.sigmoid``); on an Intel Xeon the same call took 96 us.
#: In a stack of small MLPs tanh was then most of a training step. Where this is
#: True, the core's tanh on the CPU is :func:`tanh_by_sigmoid_`: in the passes
#: that train nothing (the field pass, the evaluation of recorded states, the
#: validation watch) always, in a training step for a model's slab of
#: :data:`SIGMOID_FROM` elements or more. The choice depends on the machine and
#: the network's shape only, never on a timing, so a run's bits do not change
#: between calls. (On a GPU, and with a graph to build, the core's tanh is torch's.)
TANH_BY_SIGMOID = torch.backends.mkl.is_available() and _cpu_vendor() not in ("GenuineIntel", "")

#: :func:`tanh_by_sigmoid_` lays every model's slab out on a multiple of this
#: many elements: twice the widest vector (512 bits) twice over (two threads).
SLAB_ALIGN = 64


def tanh_by_sigmoid_(z: torch.Tensor, *, doubled: bool = False) -> torch.Tensor:
    """``tanh`` in place as ``2 sigmoid(2z) - 1``, rounded alike wherever an element lies.

    ``torch.sigmoid`` rounds an element differently in the vectorised body of
    its loop than in the loop's remainder (the last elements, fewer than two
    vectors, of every stretch a thread takes), so the same model alone and
    inside a stack (a sweep) would differ in the last bit. Here every element
    is computed in the vectorised body (:func:`_padded_`). Within 1.5 ulps of
    1 of ``torch.tanh``; exactly -1 and 1 in the tails; NaN stays NaN.
    ``doubled``: ``z`` holds ``2z`` already (a matrix product scaled by 2,
    which is exact, saves a kernel).
    """
    return _padded_(z, lambda x: _tanh_aligned_(x, doubled))


def sigmoid_aligned_(z: torch.Tensor) -> torch.Tensor:
    """``torch.sigmoid`` in place with every element in its vectorised body (:func:`_padded_`)."""
    return _padded_(z, _sigmoid_kernel_)


def _padded_(z: torch.Tensor, aligned_) -> torch.Tensor:
    """``aligned_`` in place on every (a, b) slab of ``z`` (..., a, b), laid out on SLAB_ALIGN.

    Each slab is one model's (a stack of models is a leading axis). Slabs
    whose size is not a multiple of :data:`SLAB_ALIGN` are copied into a
    zero-padded buffer of rows that are; the sigmoid kernel runs on at most
    two threads, so every stretch a thread takes starts and ends on a
    multiple of 32 elements and the loop has no remainder.
    """
    if not z.is_contiguous():
        return z.copy_(_padded_(z.contiguous(), aligned_))
    slab = _slab(z)
    if z.numel() == 0:
        return z
    if slab % SLAB_ALIGN == 0:
        aligned_(z)
        return z
    rows = z.view(-1, slab)
    buf = z.new_empty(rows.shape[0], slab + (-slab) % SLAB_ALIGN)
    buf[:, slab:].zero_()  # (finite padding, thrown away)
    buf[:, :slab].copy_(rows)
    aligned_(buf)
    rows.copy_(buf[:, :slab])
    return z


def _sigmoid_kernel_(x: torch.Tensor) -> torch.Tensor:
    """``torch.sigmoid`` in place on at most two threads; ``x``'s stretches a multiple of SLAB_ALIGN."""
    if torch.get_num_threads() > 2:
        with threads.using_threads(2):
            return x.sigmoid_()
    return x.sigmoid_()


def _tanh_aligned_(x: torch.Tensor, doubled: bool = False) -> torch.Tensor:
    """``2 sigmoid(2x) - 1`` in place; ``x``'s rows (or the whole, if contiguous) a multiple of SLAB_ALIGN."""
    if not doubled:
        x.mul_(2)
    _sigmoid_kernel_(x)
    # 2 s - 1 in one kernel (fused or not, it rounds once: 2 s is exact)
    return torch.add(_minus_one(x.dtype), x, alpha=2, out=x)


_MINUS_ONE: dict[torch.dtype, torch.Tensor] = {}


def _minus_one(dtype: torch.dtype) -> torch.Tensor:
    """-1 as a 0-d CPU tensor of ``dtype`` (made once)."""
    if dtype not in _MINUS_ONE:
        _MINUS_ONE[dtype] = torch.tensor(-1.0, dtype=dtype)
    return _MINUS_ONE[dtype]


#: In a training step, a model's slab of at least SIGMOID_FROM elements takes
#: the sigmoid kernel (tanh: where :data:`TANH_BY_SIGMOID`), if its size is a
#: multiple of SLAB_ALIGN; of another size, from SIGMOID_UNALIGNED_FROM
#: elements (its first multiple of SLAB_ALIGN elements; the few left over,
#: torch's tanh or :func:`sigmoid_`). Smaller slabs keep those: for one small
#: run they cost less than the cut's extra kernels, measured here: tanh of
#: 240 x 16 elements 15 us by torch, 11 by the formula; 240 x 5, 3.7 against
#: 15; 1000 x 5, 14 against 16.
SIGMOID_FROM = 1024
SIGMOID_UNALIGNED_FROM = 8192


def _big_slab(slab: int, device: torch.device) -> bool:
    """True where a training step's slab of ``slab`` elements takes the sigmoid kernel."""
    least = SIGMOID_FROM if slab % SLAB_ALIGN == 0 else SIGMOID_UNALIGNED_FROM
    return device.type == "cpu" and slab >= least


def _training_formula(slab: int, device: torch.device) -> bool:
    """True where a training step's tanh takes the formula for a model's slab of ``slab`` elements."""
    return TANH_BY_SIGMOID and _big_slab(slab, device)


def _by_slab_(z: torch.Tensor, aligned_, rest_) -> torch.Tensor:
    """``aligned_`` on each slab's first multiple of SLAB_ALIGN elements, ``rest_`` on the rest.

    What an element takes depends on its place in its own model's slab only,
    so a model rounds alike alone and in a stack.
    """
    if not z.is_contiguous():
        return z.copy_(_by_slab_(z.contiguous(), aligned_, rest_))
    slab = _slab(z)
    cut = slab - slab % SLAB_ALIGN
    if cut == slab:
        aligned_(z)
        return z
    rows = z.view(-1, slab)
    aligned_(rows[:, :cut])  # each row's stretch a multiple of 64: no remainder
    rest_(rows[:, cut:])
    return z


def _tanh_(z: torch.Tensor, *, doubled: bool = False) -> torch.Tensor:
    """The training step's tanh in place: by the slab's size where :data:`TANH_BY_SIGMOID`.

    ``doubled``: ``z`` holds ``2z`` (only where the formula is taken: :func:`_doubles`).
    """
    if not _training_formula(_slab(z), z.device):
        return z.tanh_()
    return _by_slab_(
        z,
        lambda x: _tanh_aligned_(x, doubled),
        lambda t: (t.mul_(0.5) if doubled else t).tanh_(),
    )


def _sigmoid_(z: torch.Tensor) -> torch.Tensor:
    """The training step's sigmoid in place: torch's kernel for large slabs, else :func:`sigmoid_`.

    (:func:`sigmoid_`'s ``exp`` is MKL's, slow on some CPUs, and it takes four kernels.)
    """
    if not _big_slab(_slab(z), z.device):
        return sigmoid_(z)
    return _by_slab_(z, _sigmoid_kernel_, sigmoid_)


def _slab(z: torch.Tensor) -> int:
    """Elements of one model's slab: the last two axes of ``z``."""
    return z.shape[-2] * z.shape[-1] if z.dim() >= 2 else z.numel()


def _measuring_tanh_(z: torch.Tensor, *, doubled: bool = False) -> torch.Tensor:
    """The tanh of a pass that trains nothing: :func:`tanh_by_sigmoid_` where :data:`TANH_BY_SIGMOID`.

    Their stacks are large whatever a slab's size (every recorded row of
    every model, every point of a grid), and every element is computed
    alike, so a point's value does not depend on which others share its pass.
    """
    if TANH_BY_SIGMOID and z.device.type == "cpu":
        return tanh_by_sigmoid_(z, doubled=doubled)
    return z.tanh_()


def _measuring_sigmoid_(z: torch.Tensor) -> torch.Tensor:
    """The sigmoid of a pass that trains nothing: :func:`sigmoid_aligned_` on a CPU (as the tanh)."""
    return sigmoid_aligned_(z) if z.device.type == "cpu" else sigmoid_(z)


def _doubles(act, slab: int, device: torch.device) -> bool:
    """True where ``act`` takes ``2z`` for a slab of ``slab`` elements (``doubled=True``).

    The formula's first step doubles ``z``; a matrix product scaled by 2 (the
    bias too) gives ``2z`` exactly, one kernel fewer.
    """
    if act is _measuring_tanh_:
        return TANH_BY_SIGMOID and device.type == "cpu"
    return act is _tanh_ and _training_formula(slab, device)


def elu(z: torch.Tensor) -> torch.Tensor:
    """ELU (alpha 1): ``z`` where positive, else ``exp(z) - 1``; rounded as :func:`sigmoid` is."""
    # (clamped: the branch not taken must not be inf, or autograd's 0 * inf is NaN)
    return torch.where(z > 0, z, torch.expm1(z.clamp(max=0)))


ACTIVATION_FUNCTIONS = {
    "sigmoid": sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda z: F.leaky_relu(z, 0.01),
    "elu": elu,
    "linear": lambda z: z,
}

#: The same functions applied in place (no graph needed): the matmul's output
#: becomes the layer's activation without another tensor.
IN_PLACE = {
    "sigmoid": _sigmoid_,
    "tanh": _tanh_,
    "relu": torch.relu_,
    "linear": lambda z: z,
}


#: The batched matrix products of every stacked layer (forward, field pass and
#: backward). A BLAS may compute a matrix differently inside a batch than alone
#: (MKL on some CPUs does, by its position in the batch): a test swaps in one
#: product per model to check that nothing else in a sweep rounds differently
#: from a single run.
bmm = torch.bmm
baddbmm = torch.baddbmm


#: The activations of the passes that train nothing, where they differ from IN_PLACE.
_MEASURING = {"tanh": _measuring_tanh_, "sigmoid": _measuring_sigmoid_}


def _activation(name: str, measuring: bool = False):
    """The activation ``name``: in place on the matmul's output unless a graph is being built.

    ``measuring``: a pass that trains nothing (see :func:`forward`).
    """
    if torch.is_grad_enabled():
        return ACTIVATION_FUNCTIONS[name]
    if measuring and name in _MEASURING:
        return _MEASURING[name]
    return IN_PLACE.get(name, ACTIVATION_FUNCTIONS[name])


def layer_sizes(hidden: Sequence[int], n_outputs: int, n_inputs: int = 2) -> list[int]:
    """Widths from input to output: ``[2, *hidden, n_outputs]``."""
    return [n_inputs, *hidden, n_outputs]


#: Initial-weight laws of :func:`init_params` (``RunConfig.init``).
INIT_SCHEMES = ("uniform", "normal", "xavier", "he", "zeros")


def init_params(
    sizes: Sequence[int],
    generator: torch.Generator,
    dtype: torch.dtype,
    *,
    scheme: str = "uniform",
) -> dict[str, torch.Tensor]:
    """Initial weights, drawn on the CPU from ``generator``.

    ``scheme`` (``RunConfig.init``) picks the law; ``n`` = fan_in, ``m`` = fan_out:

    * ``uniform`` (the default): as ``torch.nn.Linear``, W and b uniform in
      ``[-1/sqrt(n), 1/sqrt(n)]``;
    * ``normal``: W ~ N(0, 1) ("random normal"), b = 0;
    * ``xavier``: Glorot normal, W ~ N(0, 2 / (n + m)), b = 0;
    * ``he``: W ~ N(0, 2 / n) (for ReLU), b = 0;
    * ``zeros``: every weight and bias 0 (no unit can ever differ from its neighbours).
    """
    if scheme != "uniform":
        return _init_scheme(sizes, generator, dtype, scheme)
    params = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        bound = 1.0 / math.sqrt(fan_in)
        w = torch.rand((fan_out, fan_in), generator=generator, dtype=torch.float64)
        b = torch.rand((fan_out,), generator=generator, dtype=torch.float64)
        params[f"fc{i}.weight"] = ((2 * w - 1) * bound).to(dtype)
        params[f"fc{i}.bias"] = ((2 * b - 1) * bound).to(dtype)
    return params


def _init_scheme(
    sizes: Sequence[int], generator: torch.Generator, dtype: torch.dtype, scheme: str
) -> dict[str, torch.Tensor]:
    """The non-default laws of :func:`init_params` (zero biases, Gaussian or zero weights)."""
    if scheme not in INIT_SCHEMES:
        raise ValueError(f"init must be one of {', '.join(INIT_SCHEMES)}; got {scheme!r}")
    params = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        std = {
            "normal": 1.0,
            "xavier": math.sqrt(2.0 / (fan_in + fan_out)),
            "he": math.sqrt(2.0 / fan_in),
            "zeros": 0.0,
        }[scheme]
        if std:
            w = torch.randn((fan_out, fan_in), generator=generator, dtype=torch.float64) * std
        else:
            w = torch.zeros((fan_out, fan_in), dtype=torch.float64)
        params[f"fc{i}.weight"] = w.to(dtype)
        params[f"fc{i}.bias"] = torch.zeros((fan_out,), dtype=dtype)
    return params


def forward(
    params: dict[str, torch.Tensor],
    X: torch.Tensor,
    activation: str,
    masks: Sequence[torch.Tensor | None] | None = None,
    drop_p: Sequence[float] = (),
    *,
    measuring: bool = False,
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Logits and the hidden activations of every hidden layer.

    Parameters
    ----------
    params : dict
        ``fc{i}.weight`` (out, in) or (M, out, in); ``fc{i}.bias`` (out,) or (M, out).
    X : Tensor (B, 2) or (M, B, 2)
    masks : list of Tensor (B, width) or (M, B, width), optional
        Kept units (1) per hidden layer; a kept unit is scaled by 1/(1-p)
        ("inverted dropout") so evaluation needs no rescaling.
    measuring : bool
        A pass that trains nothing (the evaluation of recorded states, the
        validation loss that early stopping watches): no graph, and tanh and
        the sigmoid as the field pass takes them (:func:`tanh_by_sigmoid_`
        where :data:`TANH_BY_SIGMOID`, :func:`sigmoid_aligned_`, for every
        slab), not by the slab's size as a training step takes them.
    Returns
    -------
    logits : Tensor (..., B, n_outputs)
    hidden : list of Tensor (..., B, width), post-activation, before dropout
    """
    act = _activation(activation, measuring)
    n_layers = len(params) // 2
    h = X
    hidden = []
    for i in range(1, n_layers + 1):
        w, b = params[f"fc{i}.weight"], params[f"fc{i}.bias"]
        k = 1  # the product's scale: 2 where the activation takes 2z
        if w.shape[-1] == 1:
            # one input (1-D data): an outer product. A K = 1 matmul rounds a
            # model differently alone than inside a stack; a product and a sum do not
            z = (h * w.transpose(-1, -2)).add_(b.unsqueeze(-2))
        elif w.dim() == 3 and (h.dim() == 2 or (h.dim() == 3 and h.shape[0] in (1, w.shape[0]))):
            # stacked models (on shared or their own inputs): one fused kernel per layer
            h3 = h.expand(w.shape[0], *h.shape[-2:])
            if w.shape[-2] == 1:
                # one output: W h^T (the narrow side as rows) is the fast matmul,
                # and (M, 1, B) is (M, B, 1) in memory
                z = baddbmm(b.unsqueeze(-1), w, h3.transpose(-1, -2)).transpose(-1, -2)
            else:
                k = 2 if i < n_layers and _doubles(act, h3.shape[-2] * w.shape[-2], X.device) else 1
                z = baddbmm(b.unsqueeze(-2), h3, w.transpose(-1, -2), beta=k, alpha=k)
        else:
            z = h @ w.transpose(-1, -2) + b.unsqueeze(-2)
        if i == n_layers:
            return z, hidden
        h = act(z, doubled=True) if k == 2 else act(z)
        hidden.append(h)
        if masks is not None and masks[i - 1] is not None:
            h = h * masks[i - 1] / (1.0 - drop_p[i - 1])
    raise ValueError("a model needs at least one layer")  # pragma: no cover


@torch.no_grad()
def forward_units(
    params: dict[str, torch.Tensor], XT: torch.Tensor, activation: str
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """:func:`forward` of stacked models with units as rows: maps come out contiguous.

    ``params`` are stacked, ``fc{i}.weight`` (r, out, in); ``XT`` is the
    inputs' transpose, (in, n) shared by every model or (r, in, n). Returns
    the logits (r, n_outputs, n) and every hidden layer's activations
    (r, width, n): a unit's values over all points are one contiguous row, as
    a picture of that unit needs them (no transpose). No dropout, no graph.
    """
    act = _activation(activation, measuring=True)
    n_layers = len(params) // 2
    hT, hidden = XT, []
    for i in range(1, n_layers + 1):
        w, b = params[f"fc{i}.weight"], params[f"fc{i}.bias"]
        k = 1  # the product's scale: 2 where the activation takes 2z
        if w.shape[-1] == 1:  # one input: an outer product (see forward)
            z = (w * hT).add_(b.unsqueeze(-1))
        else:
            if i < n_layers and _doubles(act, w.shape[-2] * hT.shape[-1], XT.device):
                k = 2
            hT = hT.expand(w.shape[0], *hT.shape[-2:])
            z = baddbmm(b.unsqueeze(-1), w, hT, beta=k, alpha=k)
        if i == n_layers:
            return z, hidden
        hT = act(z, doubled=True) if k == 2 else act(z)
        hidden.append(hT)
    raise ValueError("a model needs at least one layer")  # pragma: no cover


def loss_kind(loss: str, task: str = "classification") -> str:
    """The loss :func:`data_loss` computes for a config's ``loss`` and ``task``.

    A regression task's ``"mse"`` is the squared error of the raw output
    (``"squared_error"``); a classification task's is that of the sigmoid
    output against the 0/1 label.
    """
    return "squared_error" if task == "regression" else loss


def data_loss(logits: torch.Tensor, y: torch.Tensor, loss: str) -> torch.Tensor:
    """Mean loss over the batch axis; shape ``logits.shape[:-2]`` (one per model).

    ``y`` holds labels 0..K-1 (or regression targets for ``"squared_error"``)
    broadcastable to the batch shape of ``logits``.
    """
    if loss == "squared_error":
        # Regression: (f(x) - t)^2 on the raw, unsquashed output.
        z = logits.squeeze(-1)
        return ((z - y.to(z.dtype).expand_as(z)) ** 2).mean(-1)
    if loss == "cross_entropy":
        # Softmax over K outputs: -log p_y = logsumexp(z) - z_y.
        index = y.expand(logits.shape[:-1]).unsqueeze(-1)
        z_y = logits.gather(-1, index).squeeze(-1)
        return (torch.logsumexp(logits, -1) - z_y).mean(-1)
    z = logits.squeeze(-1)
    t = y.to(z.dtype).expand_as(z)
    if loss == "bce":
        return F.binary_cross_entropy_with_logits(z, t, reduction="none").mean(-1)
    if loss == "mse":
        return ((sigmoid(z) - t) ** 2).mean(-1)
    raise ValueError(f"unknown loss {loss!r}")


def penalty(params: dict[str, torch.Tensor], l1, l2) -> torch.Tensor:
    """``l1 * sum|W| + l2 * sum W**2`` over weight matrices, one value per model.

    ``l1`` and ``l2`` are floats or tensors of shape (M,). Biases are not
    penalised. (Autograd takes the L1 subgradient at 0 to be 0.)
    """
    total = 0.0
    for name, w in params.items():
        if name.endswith(".weight"):
            dims = (-2, -1)
            if not isinstance(l1, float) or l1:
                total = total + l1 * w.abs().sum(dims)
            if not isinstance(l2, float) or l2:
                total = total + l2 * (w * w).sum(dims)
    return total


def predict(logits: torch.Tensor) -> torch.Tensor:
    """Predicted class from logits (..., B, 1 or K): the sign of one logit, else the argmax."""
    if logits.shape[-1] == 1:
        return (logits.squeeze(-1) > 0).long()
    return logits.argmax(-1)


def prob_class1(logits: torch.Tensor) -> torch.Tensor:
    """P(class 1) from logits (..., B, 1 or K)."""
    if logits.shape[-1] == 1:
        return sigmoid(logits.squeeze(-1))
    return torch.softmax(logits, -1)[..., 1]


def probabilities(logits: torch.Tensor) -> torch.Tensor:
    """P(class c) for every class, (..., B, K); one sigmoid logit gives K = 2."""
    if logits.shape[-1] == 1:
        p1 = sigmoid(logits)
        return torch.cat([1 - p1, p1], -1)
    return torch.softmax(logits, -1)


def score(logits: torch.Tensor, y: torch.Tensor, kind: str) -> torch.Tensor:
    """Accuracy, or R^2 for ``kind="squared_error"``, over the batch axis (one per model).

    ``R^2 = 1 - sum (t - f)^2 / sum (t - mean t)^2``: 1 is a perfect fit, 0
    is no better than predicting the mean, below 0 is worse.
    """
    if kind == "squared_error":
        f = logits.squeeze(-1)
        t = y.to(f.dtype).expand_as(f)
        sse = ((t - f) ** 2).sum(-1)
        sst = ((t - t.mean(-1, keepdim=True)) ** 2).sum(-1)
        return 1 - sse / sst
    return (predict(logits) == y).to(logits.dtype).mean(-1)


class FlatParams:
    """Every parameter as a view into one flat buffer, every gradient into another.

    The optimizer and autograd see ordinary leaf tensors (``params``), but
    recording a step is then one copy of ``data`` and one of ``grad`` instead
    of one per tensor, which is most of what keeps full recording cheap.

    Parameters
    ----------
    params : dict of Tensor
        Initial values, (shape) each or (M, shape) if ``stacked``.
    stacked : bool
        Tensors carry a leading model axis; the buffers are then (M, P).
    """

    def __init__(self, params: dict[str, torch.Tensor], *, stacked: bool = False):
        lead = 1 if stacked else 0
        models = tuple(next(iter(params.values())).shape[:lead])
        self.data = torch.cat([v.detach().reshape(*models, -1) for v in params.values()], -1)
        self.grad = torch.zeros_like(self.data)
        self.layout: list[tuple[str, tuple[int, ...], int, int]] = []
        self.params: dict[str, torch.Tensor] = {}
        offset = 0
        for name, v in params.items():
            shape = tuple(v.shape[lead:])
            n = math.prod(shape)
            p = self.data[..., offset : offset + n].view(*models, *shape).requires_grad_()
            p.grad = self.grad[..., offset : offset + n].view(*models, *shape)
            self.params[name] = p
            self.layout.append((name, shape, offset, n))
            offset += n

    def unflatten(self, flat) -> dict:
        """Split flat rows (..., P) back into named arrays (..., *shape)."""
        lead = flat.shape[:-1]
        return {
            name: flat[..., off : off + n].reshape(*lead, *shape)
            for name, shape, off, n in self.layout
        }
