"""The activation functions of the core's MLP, and how each is computed on this machine.

``sigmoid``, ``tanh``, ``relu``, ``leaky_relu``, ``elu`` and ``linear``, as
functions that build a graph (:data:`ACTIVATION_FUNCTIONS`) and in place on a
matrix product's output (:data:`IN_PLACE`; :func:`activation` picks). Every
one rounds an element alike wherever it lies in a tensor, so a model alone
and inside a stack of models (a sweep) give the same bits: torch's sigmoid
kernel (and the tanh formula built on it) is kept to its vectorised body by
laying each model's slab out on :data:`SLAB_ALIGN` elements.
"""

from __future__ import annotations

import platform

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


def _tanh_by_sigmoid_on(device: torch.device) -> bool:
    """True where tanh takes the formula at all: :data:`TANH_BY_SIGMOID`, on the CPU."""
    return TANH_BY_SIGMOID and device.type == "cpu"


def _training_formula(slab: int, device: torch.device) -> bool:
    """True where a training step's tanh takes the formula for a model's slab of ``slab`` elements."""
    return _tanh_by_sigmoid_on(device) and _big_slab(slab, device)


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
    if _tanh_by_sigmoid_on(z.device):
        return tanh_by_sigmoid_(z, doubled=doubled)
    return z.tanh_()


def _measuring_sigmoid_(z: torch.Tensor) -> torch.Tensor:
    """The sigmoid of a pass that trains nothing: :func:`sigmoid_aligned_` on a CPU (as the tanh)."""
    return sigmoid_aligned_(z) if z.device.type == "cpu" else sigmoid_(z)


def product_scale(act, slab: int, device: torch.device) -> int:
    """2 where ``act`` takes ``2z`` for a slab of ``slab`` elements (call it ``doubled=True``), else 1.

    The tanh formula's first step doubles ``z``; a matrix product scaled by 2
    (the bias too) gives ``2z`` exactly, one kernel fewer.
    """
    if act is _measuring_tanh_:
        return 2 if _tanh_by_sigmoid_on(device) else 1
    return 2 if act is _tanh_ and _training_formula(slab, device) else 1


def apply(act, z: torch.Tensor, scale: int) -> torch.Tensor:
    """``act`` on a product made with :func:`product_scale`'s ``scale``."""
    return act(z, doubled=True) if scale == 2 else act(z)


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


#: The activations of the passes that train nothing, where they differ from IN_PLACE.
_MEASURING = {"tanh": _measuring_tanh_, "sigmoid": _measuring_sigmoid_}


def activation(name: str, measuring: bool = False):
    """The activation ``name``: in place on the matmul's output unless a graph is being built.

    ``measuring``: a pass that trains nothing (see :func:`vizlab.core.model.forward`).
    """
    if torch.is_grad_enabled():
        return ACTIVATION_FUNCTIONS[name]
    if measuring and name in _MEASURING:
        return _MEASURING[name]
    return IN_PLACE.get(name, ACTIVATION_FUNCTIONS[name])
