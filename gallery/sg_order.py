"""Teaching order of the examples inside each gallery section (sphinx-gallery sort key).

A section lists its examples in the order a lecture would show them, not
alphabetically; an example missing from ``ORDER`` goes last, by file name.
"""

from pathlib import Path

ORDER = [
    # how to read the pictures
    "plot_colour_grammar.py",
    # gradient descent
    "plot_descent_1d.py",
    "plot_lr_regimes.py",
    "plot_surface_3d.py",
    "plot_contour_paths.py",
    # optimizers, batches, schedules
    "plot_batch_paths.py",
    "plot_optimizer_race.py",
    "plot_lr_schedule.py",
    # decision boundaries
    "plot_xor_linear_vs_mlp.py",
    "plot_moons_boundary.py",
    "plot_lr_slider.py",
    "plot_fit_trio.py",
    "plot_quiz_grid.py",
    "plot_early_stopping.py",
    # activations and hidden units
    "plot_activations.py",
    "plot_hidden_units.py",
    "plot_representation.py",
    "plot_saturation.py",
    # regularization and dropout
    "plot_worked_table.py",
    "plot_penalty_geometry.py",
    "plot_weight_paths.py",
    "plot_lambda_sweep.py",
    "plot_l2_slider.py",
    "plot_dropout_network.py",
    "plot_dropout_comparison.py",
    # backpropagation, depth and initialisation
    "plot_backprop.py",
    "plot_vanishing_gradients.py",
    "plot_zero_init.py",
    # optimizers on a real network
    "plot_race_real_net.py",
    "plot_loss_landscape.py",
    "plot_local_minima.py",
    "plot_early_stopping_patience.py",
    # beyond two classes and two inputs
    "plot_multiclass_spiral.py",
    "plot_losses_compared.py",
    "plot_features_vs_hidden.py",
    "plot_sine_regression.py",
]


class TeachingOrder:
    """Sort key: position in :data:`ORDER` (sphinx-gallery passes the section folder first)."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        name = Path(filename).name
        return (ORDER.index(name) if name in ORDER else len(ORDER), name)

    def __repr__(self):
        return "TeachingOrder"
