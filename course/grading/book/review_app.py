"""The review's widgets: a thin ipywidgets shell over :class:`course.grading.book.review.Review`.

``course review`` writes a notebook (:func:`review_notebook`) whose one cell calls
:func:`review_app`; run it in JupyterLab and grade. The student's answer is shown as
escaped text (it is student text: no Markdown, HTML or script of it is ever rendered).
Every change is saved at once.

Keyboard (when the review has focus — click on it once): ``1``–``9`` tick or untick a
rubric item, ``Enter`` saves and moves to the next answer not graded, ``→``/``j`` next,
``←``/``k`` previous, ``u`` next not graded, ``c`` writes a comment (``Esc`` leaves it).
The keys are read by a few lines of JavaScript that press the review's own buttons and
checkboxes; the review's area tells JupyterLab not to treat them as notebook shortcuts
(``data-lm-suppress-shortcuts``).
"""

from __future__ import annotations

import html
import os
import uuid
from pathlib import Path

from course.errors import InputError
from course.grading.book.review import Review, open_review, parse_part

__all__ = ["ReviewApp", "review_app", "review_notebook"]

_KEYS_JS = """
(function () {
  const selector = ".%(cls)s";
  function press(root, query) {
    const target = root.querySelector(query);
    if (target) { target.click(); }
    return Boolean(target);
  }
  function install(root) {
    if (root.dataset.courseKeys) { return; }
    root.dataset.courseKeys = "1";
    root.setAttribute("data-lm-suppress-shortcuts", "true");
    root.tabIndex = 0;
    // Capture phase: ipywidgets' text boxes stop keys from bubbling out of them.
    root.addEventListener("keydown", function (event) {
      const t = event.target;
      const typing = t.tagName === "TEXTAREA" || (t.tagName === "INPUT" && t.type !== "checkbox");
      if (typing) {
        if (event.key === "Escape") {
          t.blur();
          root.focus();
          event.preventDefault();
          event.stopPropagation();
        }
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      let done = false;
      if (/^[1-9]$/.test(event.key)) {
        done = press(root, ".course-review-item-" + event.key + " input");
      } else if (event.key === "Enter") {
        done = press(root, "button.course-review-save");
      } else if (event.key === "ArrowRight" || event.key === "j") {
        done = press(root, "button.course-review-next");
      } else if (event.key === "ArrowLeft" || event.key === "k") {
        done = press(root, "button.course-review-previous");
      } else if (event.key === "u") {
        done = press(root, "button.course-review-ungraded");
      } else if (event.key === "c") {
        const box = root.querySelector(".course-review-comment textarea");
        if (box) { box.focus(); done = true; }
      }
      if (done) {
        event.preventDefault();
        event.stopPropagation();
        if (event.key !== "c") { root.focus(); }
      }
    }, true);
    root.focus();
  }
  let tries = 0;
  const timer = setInterval(function () {
    document.querySelectorAll(selector).forEach(install);
    tries += 1;
    if (tries > 100 || document.querySelector(selector + "[data-course-keys]")) {
      clearInterval(timer);
    }
  }, 100);
})();
"""

_CSS = """<style>
.course-review-answer { white-space: pre-wrap; border: 1px solid #999; padding: 0.6em;
  max-height: 28em; overflow-y: auto; background: #fafafa; font-size: 1.05em; }
.course-review-error { color: #b00020; }
</style>"""


def _text(value: str) -> str:
    """Text (a student's or the rubric's) as HTML text content: nothing in it is markup."""
    return html.escape(str(value), quote=False)


class ReviewApp:
    """The widgets of one review; ``widget`` is what the notebook shows."""

    def __init__(self, reviews: dict[str, Review]) -> None:
        import ipywidgets as w

        self.reviews = reviews
        self.review = next(iter(reviews.values()))
        self.css_class = f"course-review-{uuid.uuid4().hex[:10]}"
        self._updating = False
        self.choose = w.Dropdown(options=list(reviews), value=self.review.question.id,
                                 description="Question", layout=w.Layout(width="auto"))
        self.choose.observe(self._on_question, names="value")
        self.header = w.HTML()
        self.header.add_class("course-review-header")
        self.where = w.HTML()
        self.where.add_class("course-review-where")
        self.answer = w.HTML()
        self.items_box = w.VBox()
        self.adjustment = w.FloatText(description="Adjust ±", step=0.5,
                                      layout=w.Layout(width="14em"))
        self.adjustment.observe(self._on_change, names="value")
        self.comment = w.Textarea(placeholder="A comment the student will read (optional)",
                                  continuous_update=False, layout=w.Layout(width="100%"))
        self.comment.add_class("course-review-comment")
        self.comment.observe(self._on_change, names="value")
        self.state = w.HTML()
        self.state.add_class("course-review-state")
        buttons = []
        for label, cls, action in (("◀ Previous (←)", "previous", self._previous),
                                   ("Save and next (Enter)", "save", self._save_next),
                                   ("Next not graded (u)", "ungraded", self._ungraded),
                                   ("Next (→) ▶", "next", self._next)):
            button = w.Button(description=label, layout=w.Layout(width="auto"))
            button.add_class(f"course-review-{cls}")
            button.on_click(lambda _b, act=action: act())
            buttons.append(button)
        self.buttons = w.HBox(buttons)
        keys = w.HTML("<small>Keys (click the review first): 1–9 tick an item · Enter save "
                      "and next · → / ← next / previous · u next not graded · c comment, Esc "
                      "leaves it</small>")
        parts = [w.HTML(_CSS), self.header]
        if len(reviews) > 1:
            parts.append(self.choose)
        parts += [self.where, self.answer, self.items_box, self.adjustment, self.comment,
                  self.state, self.buttons, keys]
        self.widget = w.VBox(parts, layout=w.Layout(width="100%"))
        self.widget.add_class(self.css_class)
        self.checkboxes: list = []
        self._rubric_of = None
        self.render()

    # ------------------------------------------------------------------ drawing

    def render(self, error: str = "") -> None:
        view = self.review.view()
        self._updating = True
        try:
            share = f" · {view.share_progress}" if view.share_progress else ""
            self.header.value = (f"<h3>{_text(view.question)}: {_text(view.title)}"
                                 f" ({view.points:g} points)</h3><b>{_text(view.progress)}"
                                 f"</b>{_text(share)}")
            given = (f" · the same answer from {view.group_size} students"
                     if view.group_size > 1 else "")
            self.where.value = (f"<b>{_text(view.label)}</b>{_text(given)} · "
                                f"{view.position + 1} of {view.count} in this review")
            text = _text(view.answer) if view.answered else \
                "<em>(No answer: the cell is empty or still holds the text it came with.)</em>"
            self.answer.value = f'<div class="course-review-answer">{text}</div>'
            if self._rubric_of is not self.review:
                self._build_rubric(view)
            for (_, box), (_, ticked) in zip(self.checkboxes, view.rubric, strict=True):
                box.value = ticked
            self.adjustment.value = view.adjustment
            self.comment.value = view.comment
            score = "" if view.score is None else f" · score {view.score:g}"
            note = f'<br><span class="course-review-error">{_text(error)}</span>' \
                if error else ""
            self.state.value = f"<b>{_text(view.state)}</b>{score}{note}"
        finally:
            self._updating = False

    def _build_rubric(self, view) -> None:
        """One checkbox per rubric item, made once per question (not at every redraw:
        a key pressed while a redraw is on its way must reach the box that stays)."""
        import ipywidgets as w

        self.checkboxes = []
        rows = []
        for number, (item, _) in enumerate(view.rubric, start=1):
            box = w.Checkbox(value=False, indent=False, description=f"{number}",
                             layout=w.Layout(width="3.5em"))
            box.add_class(f"course-review-item-{number}")
            box.observe(self._on_change, names="value")
            self.checkboxes.append((item.id, box))
            rows.append(w.HBox([box, w.HTML(
                f"<b>+{item.points:g}</b> {_text(item.text)}<br><small>Student "
                f"reads: {_text(item.comment)}</small>")]))
        self.items_box.children = rows
        self._rubric_of = self.review

    # ------------------------------------------------------------------ events

    def _ticked(self) -> list[str]:
        return [item_id for item_id, box in self.checkboxes if box.value]

    def _save(self) -> bool:
        try:
            self.review.grade(self._ticked(), self.adjustment.value or 0.0,
                              self.comment.value)
        except InputError as error:
            self.render(str(error))  # back to what is saved, with the reason
            return False
        return True

    def _on_change(self, _change) -> None:
        if self._updating:
            return
        if self._save():
            self.render()

    def _on_question(self, change) -> None:
        self.review = self.reviews[change["new"]]
        self.render()

    def _previous(self) -> None:
        self.review.previous()
        self.render()

    def _next(self) -> None:
        self.review.next()
        self.render()

    def _ungraded(self) -> None:
        self.review.next_ungraded()
        self.render()

    def _save_next(self) -> None:
        if self._save():
            if not self.review.next_ungraded():
                self.review.next()
            self.render()


def review_app(assignment: str, gradebook: str | os.PathLike = "gradebook.csv", *,
               submissions: list[str] | None = None, question: str | None = None,
               grader: str | None = None, part: str = "1/1", show_names: bool = False,
               feedback_dir: str | os.PathLike | None = None,
               autograder_dir: str | os.PathLike | None = None, keys: bool = True):
    """Show the review of ``assignment``'s written questions (``question``, or each in
    turn) in a notebook; returns the :class:`ReviewApp`."""
    from IPython.display import Javascript, display

    from course.grading.run import load_spec

    spec = load_spec(assignment, autograder_dir=autograder_dir)
    written = [q.id for q in spec.questions if q.kind == "manual"]
    chosen = [question] if question else written
    grader = grader or os.environ.get("USER") or "grader"
    reviews = {q: open_review(spec, q, gradebook=gradebook, submissions=submissions,
                              grader=grader, part=parse_part(part), blind=not show_names,
                              feedback_dir=feedback_dir) for q in chosen}
    app = ReviewApp(reviews)
    display(app.widget)
    if keys:
        display(Javascript(_KEYS_JS % {"cls": app.css_class}))
    return app


def review_notebook(folder: Path, assignment: str, gradebook: str, *, submissions, question,
                    grader: str, part: str, show_names: bool, feedback_dir,
                    autograder_dir):
    """The review notebook: a title and one cell calling :func:`review_app` (paths
    relative to the notebook's folder, where its kernel starts), as an ``nbformat``
    notebook."""
    import nbformat

    def rel(path):
        return None if path is None else os.path.relpath(Path(path).resolve(), folder.resolve())

    arguments = [repr(assignment), f"gradebook={rel(gradebook)!r}"]
    for name, value in (("submissions", [rel(s) for s in submissions] if submissions else None),
                        ("question", question), ("grader", grader), ("part", part),
                        ("show_names", show_names or None),
                        ("feedback_dir", rel(feedback_dir)),
                        ("autograder_dir", rel(autograder_dir))):
        if value is not None:
            arguments.append(f"{name}={value!r}")
    code = ("from course.grading.book import review_app\n\n"
            "app = review_app(" + ", ".join(arguments) + ")")
    title = (f"# Review of {assignment}'s written answers ({grader})\n\n"
             "Run the cell below (Shift+Enter), then click the review and grade: every change "
             "is saved at once. Keys: 1–9 tick a rubric item, Enter saves and moves on, "
             "→ / ← next / previous, u next not graded, c comment.")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(title), nbformat.v4.new_code_cell(code)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    return notebook
