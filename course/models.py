"""The economic theory of alliances: Olson & Zeckhauser's public-good model and its extension.

Olson & Zeckhauser (1966) treat an alliance's deterrence as a *public good*: every ally
is protected by every other ally's defence spending whether or not it pays. Each ally
chooses its own spending, taking the others' as given; in the Nash equilibrium the large
ally carries more than its share of the burden and small allies spend little or nothing
("the exploitation of the great by the small"). Sandler (1977) and Sandler & Hartley
(1999) add that defence is a *joint product*: part of what an ally buys (protecting its
own coasts, colonies or out-of-area interests) benefits only itself. The more private
the benefit, the weaker the free riding.

The model used here
-------------------
There are ``n >= 2`` allies with incomes ``y_i > 0``. Ally ``i`` spends ``x_i`` on
defence (``0 <= x_i <= y_i``) and consumes the rest, ``c_i = y_i - x_i``. Each unit of
an ally's own spending protects that ally fully; each unit spent by another ally
protects it by the *publicness* ``phi`` in ``[0, 1]``, so the defence ally ``i`` enjoys is

    D_i = x_i + phi * sum_{j != i} x_j .

``phi = 1`` is Olson & Zeckhauser's pure public good; ``phi = 0`` makes defence a purely
private good; values in between are a reduced form of the joint-product model (a share
``1 - phi`` of each ally's defence output is private to the spender). Preferences are
Cobb–Douglas (log) and the same for every ally, with ``alpha`` in ``(0, 1)`` the taste
for security:

    U_i = (1 - alpha) * ln(c_i) + alpha * ln(D_i) .

Best response. Maximising ``U_i`` given the others' total ``S_{-i}`` gives

    x_i = max(0, alpha * y_i - (1 - alpha) * phi * S_{-i}) .

Nash equilibrium. Write ``k = (1 - alpha) * phi``. If the allies in a set ``A`` (size
``m``) spend a positive amount and the rest spend nothing, total spending is

    S = alpha * Y_A / (1 + (m - 1) * k),    x_i = (alpha * y_i - k * S) / (1 - k)  for i in A,

with ``Y_A`` the income of the spenders. An ally spends if and only if
``alpha * y_i > k * S``; since that is a threshold on income, ``A`` is always the
``m`` richest allies and :func:`equilibrium` finds the one consistent ``m``
(Bergstrom, Blume & Varian 1986 show the equilibrium is unique). Two allies and a pure
public good (``phi = 1``) give the textbook closed form: both spend if
``y_2 > (1 - alpha) * y_1``, and then ``S = alpha * (y_1 + y_2) / (2 - alpha)`` and
``x_i = y_i - (1 - alpha) * S / alpha``; otherwise the large ally spends ``alpha * y_1``
alone. With ``phi = 0`` every ally spends ``alpha * y_i``: burdens are proportional to
income.

References
----------
Olson, M., & Zeckhauser, R. (1966). An economic theory of alliances. *Review of
Economics and Statistics*, 48(3), 266–279.
Sandler, T. (1977). Impurity of defense: an application to the economics of alliances.
*Kyklos*, 30(3), 443–460.
Sandler, T., & Hartley, K. (1999). *The Political Economy of NATO*. Cambridge University
Press.
Bergstrom, T., Blume, L., & Varian, H. (1986). On the private provision of public goods.
*Journal of Public Economics*, 29(1), 25–49.

Examples
--------
>>> eq = equilibrium([3.0, 1.0], alpha=0.5, publicness=1.0)
>>> [round(v, 4) for v in eq["spending"]]
[1.5, 0.0]
>>> round(float(eq["burden_share"].iloc[0]), 2), round(float(eq["income_share"].iloc[0]), 2)
(1.0, 0.75)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from course.errors import InputError

__all__ = [
    "best_response",
    "equilibrium",
    "free_riding_summary",
    "incomes_from_ratio",
]


def _check_params(alpha, publicness) -> tuple[float, float]:
    try:
        alpha = float(alpha)
        publicness = float(publicness)
    except (TypeError, ValueError):
        raise InputError("alpha and publicness must be numbers "
                         f"(got alpha={alpha!r}, publicness={publicness!r})") from None
    if not (0.0 < alpha < 1.0) or math.isnan(alpha):
        raise InputError(f"alpha (the taste for security) must be strictly between 0 and 1; "
                         f"got {alpha}. Try 0.05 for a small defence budget.")
    if not (0.0 <= publicness <= 1.0) or math.isnan(publicness):
        raise InputError(f"publicness must be between 0 (purely private benefit) and 1 "
                         f"(pure public good); got {publicness}.")
    return alpha, publicness


def _check_incomes(incomes) -> list[float]:
    if isinstance(incomes, str | bytes) or not isinstance(incomes, Sequence | pd.Series):
        try:
            incomes = list(incomes)
        except TypeError:
            raise InputError("incomes must be a list of positive numbers, one per ally "
                             f"(got {type(incomes).__name__})") from None
    values = []
    for i, y in enumerate(list(incomes)):
        try:
            y = float(y)
        except (TypeError, ValueError):
            raise InputError(f"income of ally {i} is {y!r}; incomes must be numbers") from None
        if math.isnan(y) or math.isinf(y) or y <= 0:
            raise InputError(f"income of ally {i} is {y}; every income must be a positive, "
                             "finite number")
        values.append(y)
    if len(values) < 2:
        raise InputError(f"an alliance needs at least 2 allies; got {len(values)} income(s)")
    return values


def best_response(income: float, others_spending: float, *, alpha: float,
                  publicness: float) -> float:
    """Ally's utility-maximising defence spending given what the others spend in total.

    Parameters
    ----------
    income : float
        The ally's income (positive).
    others_spending : float
        Total defence spending of the other allies (non-negative).
    alpha : float
        Taste for security, strictly between 0 and 1.
    publicness : float
        Share of another ally's spending that protects this ally, in [0, 1].

    Returns
    -------
    float
        ``max(0, alpha * income - (1 - alpha) * publicness * others_spending)``.

    Examples
    --------
    >>> best_response(100.0, 0.0, alpha=0.1, publicness=1.0)  # alone: spend alpha * y
    10.0
    >>> best_response(100.0, 50.0, alpha=0.1, publicness=1.0)  # others cover it: free ride
    0.0
    """
    alpha, publicness = _check_params(alpha, publicness)
    income = _check_incomes([income, 1.0])[0]
    try:
        others_spending = float(others_spending)
    except (TypeError, ValueError):
        raise InputError(f"others_spending must be a number, got {others_spending!r}") from None
    if others_spending < 0 or math.isnan(others_spending):
        raise InputError(f"others_spending must be zero or more; got {others_spending}")
    return max(0.0, alpha * income - (1 - alpha) * publicness * others_spending)


def equilibrium(incomes, *, alpha: float = 0.05, publicness: float = 1.0,
                names: Sequence[str] | None = None) -> pd.DataFrame:
    """Nash equilibrium of the alliance model: who spends what, and who carries the burden.

    Parameters
    ----------
    incomes : sequence of float
        One positive income per ally (at least two).
    alpha : float, default 0.05
        Taste for security in ``(0, 1)``: the share of income an ally would spend alone.
    publicness : float, default 1.0
        ``phi`` in ``[0, 1]``: 1 = pure public good (Olson & Zeckhauser), 0 = purely
        private benefit; in between = joint products (Sandler).
    names : sequence of str, optional
        Labels for the allies (default ``"ally 1"``, ``"ally 2"``, ...).

    Returns
    -------
    pandas.DataFrame
        One row per ally, in the order given, with columns ``ally``, ``income``,
        ``spending``, ``income_share`` (``y_i / sum y``), ``burden_share``
        (``x_i / sum x``), ``burden`` (spending as a share of own income, ``x_i / y_i``)
        and ``free_rider`` (True where the ally spends nothing).

    Raises
    ------
    InputError
        For fewer than two allies, non-positive incomes, ``alpha`` outside ``(0, 1)`` or
        ``publicness`` outside ``[0, 1]``.

    Examples
    --------
    Two equal allies and a pure public good: each carries half.

    >>> eq = equilibrium([1.0, 1.0], alpha=0.2, publicness=1.0)
    >>> [round(v, 4) for v in eq["spending"]]  # alpha * 2 / (2 - alpha) / 2 each
    [0.1111, 0.1111]

    A purely private good: spending is ``alpha`` times income, shares equal income shares.

    >>> eq = equilibrium([4.0, 1.0], alpha=0.1, publicness=0.0)
    >>> [round(v, 4) for v in eq["spending"]], [round(v, 2) for v in eq["burden_share"]]
    ([0.4, 0.1], [0.8, 0.2])
    """
    alpha, publicness = _check_params(alpha, publicness)
    ys = _check_incomes(incomes)
    n = len(ys)
    if names is None:
        names = [f"ally {i + 1}" for i in range(n)]
    else:
        names = [str(x) for x in names]
        if len(names) != n:
            raise InputError(f"got {len(names)} names for {n} incomes; give one name per ally")
    k = (1.0 - alpha) * publicness
    order = sorted(range(n), key=lambda i: -ys[i])
    spending = [0.0] * n
    for m in range(1, n + 1):
        active = order[:m]
        total = alpha * sum(ys[i] for i in active) / (1.0 + (m - 1) * k)
        threshold = k * total  # an ally spends iff alpha * y_i > k * S
        inside_ok = all(alpha * ys[i] > threshold * (1 - 1e-12) for i in active)
        outside_ok = all(alpha * ys[i] <= threshold * (1 + 1e-12) for i in order[m:])
        if inside_ok and outside_ok:
            for i in active:
                spending[i] = max(0.0, (alpha * ys[i] - k * total) / (1.0 - k))
            break
    else:  # pragma: no cover - the threshold structure guarantees a solution
        raise RuntimeError("no equilibrium found; please report this as a bug")
    total_income = sum(ys)
    total_spending = sum(spending)
    table = pd.DataFrame({
        "ally": names,
        "income": ys,
        "spending": spending,
        "income_share": [y / total_income for y in ys],
        "burden_share": [x / total_spending for x in spending],
        "burden": [x / y for x, y in zip(spending, ys, strict=True)],
    })
    table["free_rider"] = table["spending"] <= 1e-12 * total_spending
    return table


def incomes_from_ratio(n_allies: int, largest_ratio: float) -> list[float]:
    """Incomes for a simple alliance: one large ally and ``n_allies - 1`` equal small ones.

    Parameters
    ----------
    n_allies : int
        Number of allies (at least 2).
    largest_ratio : float
        Income of the largest ally divided by the income of each small ally (>= 1).

    Returns
    -------
    list of float
        ``[largest_ratio, 1.0, 1.0, ...]``.

    Examples
    --------
    >>> incomes_from_ratio(3, 4)
    [4.0, 1.0, 1.0]
    """
    try:
        n_allies = int(n_allies)
        largest_ratio = float(largest_ratio)
    except (TypeError, ValueError):
        raise InputError("n_allies must be an integer and largest_ratio a number") from None
    if n_allies < 2:
        raise InputError(f"an alliance needs at least 2 allies; got n_allies={n_allies}")
    if not largest_ratio >= 1.0 or math.isinf(largest_ratio):
        raise InputError(f"largest_ratio must be a finite number >= 1 (the largest ally's "
                         f"income over a small ally's); got {largest_ratio}")
    return [largest_ratio] + [1.0] * (n_allies - 1)


def free_riding_summary(table: pd.DataFrame) -> dict:
    """Headline numbers of an equilibrium table from :func:`equilibrium`.

    Returns
    -------
    dict
        ``largest`` (name of the richest ally), ``largest_income_share``,
        ``largest_burden_share``, ``n_free_riders`` and ``burden_ratio`` (the largest
        ally's spending/income divided by the others' total spending/total income;
        ``inf`` if the others spend nothing).

    Examples
    --------
    >>> s = free_riding_summary(equilibrium([3.0, 1.0], alpha=0.5, publicness=1.0))
    >>> s["largest"], s["n_free_riders"], s["largest_burden_share"]
    ('ally 1', 1, 1.0)
    """
    needed = {"ally", "income", "spending", "income_share", "burden_share", "burden",
              "free_rider"}
    if not isinstance(table, pd.DataFrame) or not needed <= set(table.columns):
        raise InputError("free_riding_summary expects the table returned by equilibrium()")
    top = table["income"].idxmax()
    others = table.drop(index=top)
    other_burden = others["spending"].sum() / others["income"].sum()
    return {
        "largest": table.loc[top, "ally"],
        "largest_income_share": float(table.loc[top, "income_share"]),
        "largest_burden_share": float(table.loc[top, "burden_share"]),
        "n_free_riders": int(table["free_rider"].sum()),
        "burden_ratio": (float(table.loc[top, "burden"] / other_burden)
                         if other_burden > 0 else math.inf),
    }
