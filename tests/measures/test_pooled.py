"""The pooled size-burden test (issue 23, item 7): known answers on synthetic panels.

A permutation test is only worth teaching if it behaves: it must find a relation that is
planted, hold its size (reject about 5% of the time at alpha = 0.05) on data with no
relation, agree with an exact enumeration on a panel small enough to enumerate, and
treat persistent national series as the dependent data they are.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from course.errors import InputError
from course.measures import burden


def synthetic(seed: int, *, units: int = 15, years: int = 30, beta: float = 0.0,
              persistence: float = 1.0) -> pd.DataFrame:
    """A panel in which size is persistent and burden = beta * size + a national habit.

    ``persistence`` is the weight of each unit's fixed habit against yearly noise: with
    1.0 a heavy spender stays heavy year after year, as NATO's allies do.
    """
    rng = np.random.default_rng(seed)
    size = rng.normal(size=units)
    habit = rng.normal(size=units)
    rows = []
    for t in range(years):
        x = size + 0.2 * rng.normal(size=units)
        y = beta * x + persistence * habit + rng.normal(size=units)
        rows += [{"year": 2000 + t, "unit": f"u{i}", "x": x[i], "y": y[i]}
                 for i in range(units)]
    return pd.DataFrame(rows)


def test_a_planted_relation_is_found_and_the_statistic_is_the_mean_yearly_rho():
    panel = synthetic(1, units=20, beta=2.0)
    result = burden.panel_rank_test(panel, permutations=999)
    yearly = [burden.spearman(g["x"], g["y"]) for _, g in panel.groupby("year")]
    assert result["mean_rho"] == pytest.approx(np.mean(yearly))
    assert result["yearly"].tolist() == pytest.approx(yearly)
    assert result["mean_rho"] > 0.4
    assert result["p_value"] < 0.01
    assert (result["years"], result["units"], result["exchangeable"]) == (30, 20, 20)


def test_no_relation_gives_no_relation():
    result = burden.panel_rank_test(synthetic(2), permutations=999)
    assert abs(result["mean_rho"]) < 0.4
    assert result["p_value"] > 0.05


def test_size_on_null_data_with_persistent_series():
    """At alpha = 0.05 the test rejects a true null about 5% of the time; shuffling years
    independently, as if 30 years were 30 independent samples, rejects far more often."""
    reps, alpha = 200, 0.05
    by_units, by_years = [], []
    for seed in range(reps):
        panel = synthetic(100 + seed)
        by_units.append(burden.panel_rank_test(panel, permutations=199,
                                               seed=seed)["p_value"])
        by_years.append(burden.panel_rank_test(panel, permutations=199, seed=seed,
                                               shuffle="years")["p_value"])
    size_units = np.mean(np.array(by_units) < alpha)
    size_years = np.mean(np.array(by_years) < alpha)
    # binomial(200, 0.05): mean 10 rejections, sd about 3.1
    assert size_units <= 0.09, size_units
    assert 0.35 < np.mean(by_units) < 0.65  # p-values spread over (0, 1), not piled up
    assert size_years > 0.3, size_years


def test_both_shuffles_hold_their_size_when_years_really_are_independent():
    reps = 120
    for shuffle in ("units", "years"):
        p = [burden.panel_rank_test(synthetic(500 + s, persistence=0.0), permutations=199,
                                    seed=s, shuffle=shuffle)["p_value"] for s in range(reps)]
        assert np.mean(np.array(p) < 0.05) <= 0.1, shuffle


def test_the_p_value_matches_an_exact_enumeration():
    panel = pd.DataFrame({"year": [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3],
                          "unit": list("ABCD") * 3,
                          "x": [1, 2, 3, 4, 1, 2, 4, 3, 2, 1, 3, 4],
                          "y": [1.0, 3, 2, 4, 2, 1, 3, 4, 1, 2, 4, 3]})
    wide_y = panel.pivot(index="year", columns="unit", values="y")

    def statistic(y_wide):
        return np.mean([burden.spearman(panel[panel["year"] == t]["x"].reset_index(drop=True),
                                        y_wide.loc[t].reset_index(drop=True))
                        for t in (1, 2, 3)])

    observed = statistic(wide_y)
    every = [statistic(wide_y[list(order)].set_axis(wide_y.columns, axis=1))
             for order in itertools.permutations(wide_y.columns)]
    exact = np.mean(np.abs(every) >= abs(observed) - 1e-12)
    result = burden.panel_rank_test(panel, min_units=3, permutations=20000, seed=3)
    assert result["mean_rho"] == pytest.approx(observed)
    assert result["p_value"] == pytest.approx(exact, abs=0.01)
    greater = burden.panel_rank_test(panel, min_units=3, permutations=20000, seed=3,
                                     alternative="greater")["p_value"]
    assert greater == pytest.approx(np.mean(np.array(every) >= observed - 1e-12), abs=0.01)


def test_only_units_present_in_the_same_years_are_exchanged():
    panel = synthetic(4, units=6, years=10)
    late = pd.DataFrame({"year": range(2005, 2010), "unit": "late", "x": 9.0,
                         "y": np.arange(5.0)})
    pair = pd.concat([late, late.assign(unit="late2", y=-np.arange(5.0))])
    result = burden.panel_rank_test(pd.concat([panel, pair]), permutations=99)
    assert (result["units"], result["exchangeable"], result["cohorts"]) == (8, 8, 2)
    alone = burden.panel_rank_test(pd.concat([panel, late]), permutations=99)
    assert (alone["units"], alone["exchangeable"], alone["cohorts"]) == (7, 6, 1)


def test_same_seed_same_answer_and_the_alternatives_agree():
    panel = synthetic(7, beta=0.3)
    first = burden.panel_rank_test(panel, permutations=499, seed=11)
    again = burden.panel_rank_test(panel, permutations=499, seed=11)
    assert first["p_value"] == again["p_value"]
    greater = burden.panel_rank_test(panel, permutations=499, seed=11, alternative="greater")
    less = burden.panel_rank_test(panel, permutations=499, seed=11, alternative="less")
    assert first["mean_rho"] > 0
    assert greater["p_value"] <= first["p_value"] < less["p_value"]


@pytest.mark.parametrize("change, message", [
    (dict(alternative="bigger"), "alternative must be one of"),
    (dict(shuffle="countries"), "shuffle must be one of"),
    (dict(permutations=0), "permutations must be a positive"),
    (dict(min_units=2), "min_units must be at least 3"),
    (dict(x="gdp"), "lacks column"),
])
def test_bad_options_are_refused(change, message):
    with pytest.raises(InputError, match=message):
        burden.panel_rank_test(synthetic(8, units=6, years=3), **change)


def test_bad_panels_are_refused():
    panel = synthetic(9, units=6, years=3)
    with pytest.raises(InputError, match="twice in 2000"):
        burden.panel_rank_test(pd.concat([panel, panel.head(1)]))
    with pytest.raises(InputError, match="no year has at least 7 units"):
        burden.panel_rank_test(panel, min_units=7)
    staggered = pd.DataFrame([{"year": 2000 + t, "unit": f"u{i}", "x": i, "y": i}
                              for i in range(6) for t in range(i, i + 3)])
    with pytest.raises(InputError, match="no two units are present in the same years"):
        burden.panel_rank_test(staggered, min_units=3)


@pytest.mark.parametrize("n", [10, 20])
def test_power_at_rho_zero_is_the_size_of_the_yearly_test(n):
    assert burden.rank_test_power(0.0, n) == pytest.approx(0.05, abs=0.012)


def test_power_grows_with_the_number_of_allies_and_matches_fishers_approximation():
    powers = [burden.rank_test_power(0.3, n) for n in (10, 20, 40)]
    assert powers == sorted(powers) and powers[-1] - powers[0] > 0.3
    for n in (15, 28):
        z = math.atanh(0.3) * math.sqrt((n - 3) / 1.06)
        approx = 0.5 * math.erfc((1.959964 - z) / math.sqrt(2))
        assert burden.rank_test_power(0.3, n) == pytest.approx(approx, abs=0.04)
    with pytest.raises(InputError, match="n must be"):
        burden.rank_test_power(0.3, 3)
    with pytest.raises(InputError, match="rho must be"):
        burden.rank_test_power(1.0, 10)


def test_exchange_rate_gdp_by_hand_on_shipped_data():
    from course import data

    caps, mil = data.load("capabilities"), data.load("military_burden")
    got = burden.exchange_rate_gdp(caps, mil, (1964, 1964)).set_index("ccode")["gdp"]
    milex = caps[(caps["ccode"] == 2) & (caps["year"] == 1964)]["milex"].iloc[0]
    share = mil[(mil["ccode"] == 2) & (mil["year"] == 1964)]["milex_share_gdp"].iloc[0]
    assert got[2] == pytest.approx(float(milex) * 1000 / float(share))
    assert 5e11 < got[2] < 8e11  # US GNP in 1964 was about $0.66 trillion
    with pytest.raises(InputError, match="pounds before 1914"):
        burden.exchange_rate_gdp(caps, mil, (1900, 1920))
