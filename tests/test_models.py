"""The alliance model against analytic results and an independent best-response iteration."""

import math

import pytest

from course import models
from course.errors import InputError


def iterate_best_responses(incomes, alpha, phi, rounds=5000):
    """Independent check: Gauss-Seidel best responses until they stop moving."""
    x = [0.0] * len(incomes)
    for _ in range(rounds):
        biggest_move = 0.0
        for i, y in enumerate(incomes):
            others = sum(x) - x[i]
            new = max(0.0, alpha * y - (1 - alpha) * phi * others)
            biggest_move = max(biggest_move, abs(new - x[i]))
            x[i] = new
        if biggest_move < 1e-13:
            break
    return x


def test_two_ally_pure_public_good_closed_form_interior():
    # y = (10, 9), alpha = 0.5: both spend because 9 > (1 - 0.5) * 10.
    # S = alpha * (y1 + y2) / (2 - alpha) = 0.5 * 19 / 1.5 = 6.3333...
    # x_i = y_i - (1 - alpha) * S / alpha = y_i - S  ->  3.6667 and 2.6667
    eq = models.equilibrium([10.0, 9.0], alpha=0.5, publicness=1.0)
    assert eq["spending"].sum() == pytest.approx(19 / 3)
    assert eq["spending"].tolist() == pytest.approx([10 - 19 / 3, 9 - 19 / 3])
    assert not eq["free_rider"].any()


def test_two_ally_pure_public_good_corner():
    # 2 <= (1 - 0.2) * 10 = 8, so the small ally spends nothing; the large one alpha * y1.
    eq = models.equilibrium([10.0, 2.0], alpha=0.2, publicness=1.0)
    assert eq["spending"].tolist() == pytest.approx([2.0, 0.0])
    assert eq["free_rider"].tolist() == [False, True]
    assert eq["burden_share"].tolist() == pytest.approx([1.0, 0.0])


def test_two_ally_threshold_is_where_the_small_ally_starts_to_spend():
    alpha = 0.3
    just_below = models.equilibrium([10.0, 6.99], alpha=alpha, publicness=1.0)
    just_above = models.equilibrium([10.0, 7.01], alpha=alpha, publicness=1.0)
    assert just_below["spending"].iloc[1] == 0.0
    assert just_above["spending"].iloc[1] > 0.0


@pytest.mark.parametrize("incomes", [[5.0, 3.0, 1.0], [10.0, 8.0, 7.5, 2.0, 1.0], [1, 1, 1]])
@pytest.mark.parametrize("alpha", [0.05, 0.3, 0.7])
@pytest.mark.parametrize("phi", [0.0, 0.4, 0.8, 1.0])
def test_matches_best_response_iteration(incomes, alpha, phi):
    eq = models.equilibrium(incomes, alpha=alpha, publicness=phi)
    assert eq["spending"].tolist() == pytest.approx(
        iterate_best_responses([float(y) for y in incomes], alpha, phi), abs=1e-9)
    # and every ally is best-responding
    total = eq["spending"].sum()
    for y, x in zip(eq["income"], eq["spending"], strict=True):
        assert x == pytest.approx(models.best_response(
            y, total - x, alpha=alpha, publicness=phi), abs=1e-12)


def test_pure_public_good_largest_ally_carries_more_than_its_income_share():
    eq = models.equilibrium([6.0, 2.0, 1.5, 1.0], alpha=0.1, publicness=1.0)
    top = eq.iloc[0]
    assert top["burden_share"] > top["income_share"]
    # burden (spending / income) falls with size: the Olson-Zeckhauser prediction
    assert eq["burden"].is_monotonic_decreasing


def test_private_good_spending_is_proportional_to_income():
    incomes = [6.0, 2.0, 1.5, 1.0]
    eq = models.equilibrium(incomes, alpha=0.1, publicness=0.0)
    assert eq["spending"].tolist() == pytest.approx([0.1 * y for y in incomes])
    assert eq["burden_share"].tolist() == pytest.approx(eq["income_share"].tolist())
    assert not eq["free_rider"].any()


def test_more_private_benefit_weakens_free_riding():
    incomes = models.incomes_from_ratio(5, 3.0)
    shares = [models.equilibrium(incomes, alpha=0.1, publicness=p)["burden_share"].iloc[0]
              for p in (0.0, 0.1, 0.2, 0.3, 0.6, 1.0)]
    # the largest ally's share of the burden rises with publicness, from its income share
    # (3 / 7) until the small allies stop spending altogether (a corner: share 1)
    assert shares[0] == pytest.approx(3 / 7)
    assert shares[0] < shares[1] < shares[2] < shares[3] < 1.0
    assert shares[4] == pytest.approx(1.0) and shares[5] == pytest.approx(1.0)


def test_equal_allies_share_equally():
    eq = models.equilibrium([2.0, 2.0, 2.0], alpha=0.25, publicness=0.5)
    assert eq["burden_share"].tolist() == pytest.approx([1 / 3] * 3)
    # S = alpha * Y / (1 + (n - 1) * k), k = 0.75 * 0.5
    assert eq["spending"].sum() == pytest.approx(0.25 * 6 / (1 + 2 * 0.375))


def test_summary_and_names():
    eq = models.equilibrium([3.0, 1.0], alpha=0.5, publicness=1.0, names=["US", "Europe"])
    s = models.free_riding_summary(eq)
    assert s["largest"] == "US"
    assert s["n_free_riders"] == 1
    assert s["largest_income_share"] == pytest.approx(0.75)
    assert math.isinf(s["burden_ratio"])


@pytest.mark.parametrize("kwargs, fragment", [
    ({"incomes": [1.0], "alpha": 0.1, "publicness": 1}, "at least 2 allies"),
    ({"incomes": [1.0, -2.0], "alpha": 0.1, "publicness": 1}, "positive"),
    ({"incomes": [1.0, 0.0], "alpha": 0.1, "publicness": 1}, "positive"),
    ({"incomes": [1.0, "rich"], "alpha": 0.1, "publicness": 1}, "numbers"),
    ({"incomes": [1.0, 2.0], "alpha": 1.0, "publicness": 1}, "alpha"),
    ({"incomes": [1.0, 2.0], "alpha": 0.0, "publicness": 1}, "alpha"),
    ({"incomes": [1.0, 2.0], "alpha": 0.1, "publicness": 1.5}, "publicness"),
    ({"incomes": [1.0, 2.0], "alpha": 0.1, "publicness": -0.1}, "publicness"),
    ({"incomes": 5, "alpha": 0.1, "publicness": 1}, "list"),
])
def test_bad_input_is_explained(kwargs, fragment):
    incomes = kwargs.pop("incomes")
    with pytest.raises(InputError, match=fragment):
        models.equilibrium(incomes, **kwargs)


def test_bad_helpers_input():
    with pytest.raises(InputError, match="at least 2"):
        models.incomes_from_ratio(1, 2.0)
    with pytest.raises(InputError, match=">= 1"):
        models.incomes_from_ratio(3, 0.5)
    with pytest.raises(InputError, match="one name per ally"):
        models.equilibrium([1.0, 2.0], names=["a"])
    with pytest.raises(InputError, match="zero or more"):
        models.best_response(1.0, -1.0, alpha=0.1, publicness=1.0)
