"""A line classifier for scraped plain text: keep every sentence of the article body, drop chrome.

Boilerplate removers (trafilatura, jusText) need the DOM; on text dumps they remove nothing. Here
each line is labelled ``body``, ``title``, ``meta`` (byline, dates, reading time) or ``chrome``
in two steps, as a spaCy component would: ``match`` labels lines alone from the patterns in
``data/chrome_patterns.json``, then ``resolve`` uses the neighbours (lists under a "Most Popular"
heading, short lines between body paragraphs, the headline printed twice).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Literal

from rapidfuzz import fuzz

Label = Literal["body", "title", "meta", "chrome"]

#: Captions are short; a long paragraph that happens to end in a bracket is body.
_CAPTION_MAX_WORDS = 45
#: A byline with several authors, a desk, a date and a reading time still stays under this.
_BYLINE_MAX_WORDS = 24
#: A line this long with mostly lower-case words is running text even without a full stop
#: (a standfirst, or a paragraph cut off by the scraper).
_UNPUNCTUATED_PROSE_WORDS = 12
#: How far down the page a headline is looked for, in non-blank lines.
_TITLE_WINDOW = 15
#: rapidfuzz ratio at which two printings count as the same headline.
SAME_HEADLINE = 92
_TITLE_MAX_WORDS = 30
_SLUG_MATCH = 75
_TEMPERATURE = re.compile(r"-?\d{1,3}(?:[.,]\d)?\s*+°?\s*+[CF]")
_ARCHIVE_DATE = re.compile(r"^\s*date (\d{4}-\d{2}(?:-\d{2})?)\s+")
_SKIP_PREFIX = re.compile(r"^(skip to (main )?content)\s*", re.IGNORECASE)
_GLUED_BYLINE = re.compile(r"(?<=[a-z’'\")])(By [A-Z][\w.]+(?: [A-Z][\w.]+){0,3})\s*$")
_TERMINAL = re.compile(r"[.!?…:;][\"'”’)\]]*\s*$|[\"”’]\s*$")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_ELLIPSIS_END = re.compile(r"(\.\.\.|…)\s*$")
#: Where one sentence ends and the next starts, for telling running text from a slogan.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+")
#: A slogan ("Your town. Your paper. Since 1887.") is all fragments; running text has at least
#: one sentence this long.
_MIN_SENTENCE_WORDS = 4
#: The fewest words a last line followed by more chrome needs to be kept as a short sentence.
_LAST_LINE_MIN_WORDS = 4
#: Several chrome items printed on one line are set apart by runs of spaces, tabs or bars.
_ITEM_GAP = re.compile(r"\s{2,}|\t|\s+[|•·]\s+")
_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_WEEKDAYS = "mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun"
# The patterns below run on every line of every page, hostile ones included, so each is written
# to run in time linear in the line: every run of spaces is matched possessively (``\s++``,
# ``\s*+``) and is followed by something that cannot be a space, or sits inside the optional
# item it precedes. Two optional space runs side by side (``\s*X?\s*``) would be tried at
# every split of a long run of spaces: quadratic, and cubic for three (a 2 KB line of spaces
# after "10:00" took minutes). Only ``match`` or ``fullmatch`` anchor them, or a lookbehind
# lets a search start a run of spaces at its first space only.
#: A line that is only a date (and time): a widget, a byline date or a "Published:" stamp.
_DATE_LINE = re.compile(
    rf"^(?:(?:published|updated|posted|last updated|modified)\s*+:?\s*+(?:on\s++)?)?"
    rf"(?:(?:{_WEEKDAYS})[a-z]*+\.?,?\s++)?"
    rf"(?:\d{{1,2}}:\d\d(?:\s*+[ap]\.?m\.?)?(?:\s*+[A-Z]{{2,4}})?,?\s++)?"
    rf"(?:(?:{_MONTHS})\.?\s++\d{{1,2}}(?:st|nd|rd|th)?,?\s++\d{{4}}"
    rf"|\d{{1,2}}\s++(?:{_MONTHS})\.?,?\s++\d{{4}}"
    rf"|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}|\d{{4}}-\d\d-\d\d)"
    rf"(?:\d{{1,3}}\s*+mins?\s*+read)?"
    rf"(?:[\sT,|-]*+\d{{1,2}}:\d\d(?::\d\d)?(?:\s*+[ap]\.?m\.?)?"
    rf"(?:\s*+(?:[A-Z]{{2,4}}|[+-]\d\d:?\d\d))?)?"
    rf"(?:\s*+\d{{1,3}}\s*+mins?\s*+read)?\s*+$",
    re.IGNORECASE,
)
#: A date (and time) glued to the end of a headline line: "Title Monday, October 21, 2024 11:00 AM".
_DATE_SUFFIX = re.compile(
    rf"(?<!\s)\s++(?:(?:{_WEEKDAYS})[a-z]*+,?\s++)?(?:{_MONTHS})\.?\s++\d{{1,2}},?\s++\d{{4}}"
    rf"(?:\s++\d{{1,2}}:\d\d(?::\d\d)?(?:\s*+[ap]\.?m\.?)?)?\s*+$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Patterns:
    """The compiled pattern lists of ``chrome_patterns.json``."""

    chrome: re.Pattern[str]
    list_headings: re.Pattern[str]
    caption_suffix: re.Pattern[str]
    reading_time: re.Pattern[str]
    byline: re.Pattern[str]
    breadcrumb: re.Pattern[str]


@lru_cache(maxsize=1)
def patterns() -> Patterns:
    data = json.loads(
        resources.files(__package__).joinpath("data/chrome_patterns.json").read_text()
    )

    def alternation(items: list[str]) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{item})" for item in items), re.IGNORECASE)

    return Patterns(
        chrome=alternation(data["chrome"]),
        list_headings=alternation(data["list_headings"]),
        caption_suffix=re.compile(
            "(?:" + "|".join(f"(?:{p})" for p in data["caption_suffix"]) + r")\s*$", re.IGNORECASE
        ),
        reading_time=re.compile(data["reading_time"], re.IGNORECASE),
        byline=re.compile(data["byline"]),
        breadcrumb=re.compile(data["breadcrumb"], re.IGNORECASE),
    )


@dataclass
class Line:
    """One line of the page: its number in the input, the text kept, and its label."""

    number: int
    raw: str
    text: str
    label: Label | None = None
    list_heading: bool = False
    #: A byline or date was glued to this line: it is almost surely the headline.
    headline: bool = False
    meta: list[str] = field(default_factory=list)


@dataclass
class Classified:
    """What the classifier recovered from a page besides the body lines."""

    lines: list[Line]
    title: str | None
    section: str | None
    archive_date: str | None
    meta: list[str]

    @property
    def body_lines(self) -> list[Line]:
        return [line for line in self.lines if line.label == "body"]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def is_prose(text: str) -> bool:
    """A sentence of running text: several words, mostly lower case, ending like a sentence."""
    tokens = words(text)
    if len(tokens) < 5 or _all_fragments(text):
        return False
    sentence_like = _lower_share(tokens) >= 0.3
    if _TERMINAL.search(text) and not _ELLIPSIS_END.search(text):
        return sentence_like
    return len(tokens) >= _UNPUNCTUATED_PROSE_WORDS and sentence_like


def _lower_share(tokens: list[str]) -> float:
    return sum(1 for token in tokens if token[0].islower()) / len(tokens) if tokens else 0.0


def _all_fragments(text: str) -> bool:
    """A line of several sentences none of which has four words is a slogan or a list of
    labels, not running text."""
    sentences = [part for part in _SENTENCE_BREAK.split(text) if part.strip()]
    return len(sentences) > 1 and all(
        len(words(sentence)) < _MIN_SENTENCE_WORDS for sentence in sentences
    )


def normal(text: str) -> str:
    """Lower-case words only: the form in which two printings of a headline are compared."""
    return " ".join(words(text.lower()))


def same_headline(a: str, b: str) -> bool:
    """Headlines printed twice often differ in punctuation or a trailing full stop."""
    left, right = normal(a), normal(b)
    if not left or not right:
        return False
    if left == right or fuzz.ratio(left, right) >= SAME_HEADLINE:
        return True
    # A printing cut with "..." or glued to a breadcrumb still holds the other one's words.
    return min(len(left), len(right)) >= 30 and fuzz.partial_ratio(left, right) >= SAME_HEADLINE


def match(number: int, raw: str) -> Line:
    """Label one line alone: strip glued prefixes, then try the chrome and metadata patterns."""
    pats = patterns()
    line = Line(number=number, raw=raw, text=raw.strip())
    archive = _ARCHIVE_DATE.match(raw)
    if archive:
        line.meta.append(f"archive:{archive.group(1)}")
        line.text = raw[archive.end() :].strip()
    line.text = _SKIP_PREFIX.sub("", line.text).strip()
    text = line.text
    if not text:
        line.label = "chrome"
    elif pats.list_headings.fullmatch(text):
        line.label, line.list_heading = "chrome", True
    elif _DATE_LINE.match(text) or pats.reading_time.fullmatch(text):
        line.label = "meta"
        line.meta.append(f"date:{text}")
    elif (
        pats.byline.fullmatch(text)
        and len(words(text)) <= _BYLINE_MAX_WORDS
        and not (_TERMINAL.search(text))
    ):
        line.label = "meta"
        line.meta.append(f"byline:{text}")
    elif _is_chrome(text) or _all_chrome_items(text):
        line.label = "chrome"
    else:
        _split_glued_metadata(line)
    return line


def _is_chrome(text: str) -> bool:
    pats = patterns()
    return bool(pats.chrome.fullmatch(text) or pats.breadcrumb.fullmatch(text) or _is_caption(text))


def _all_chrome_items(text: str) -> bool:
    """A widget printed as one line ("Enter your email address   Sign up", "Share on Facebook
    Share on X   Copy link") is chrome when every item set apart by a gap is chrome."""
    items = [item for item in _ITEM_GAP.split(text) if item.strip()]
    return len(items) > 1 and all(_is_chrome(item.strip()) for item in items)


def _is_caption(text: str) -> bool:
    """A photo caption ends with its credit; a body sentence may end with a one-word insert."""
    credit = patterns().caption_suffix.search(text)
    if credit is None:
        return False
    inner = credit.group(0).strip()
    if inner.startswith("[") and len(words(inner)) <= 1:
        return False
    return len(words(text[: credit.start()])) <= _CAPTION_MAX_WORDS


def _split_glued_metadata(line: Line) -> None:
    """Cut a byline or date glued onto the end of a headline into metadata."""
    for pattern, kind in ((_GLUED_BYLINE, "byline"), (_DATE_SUFFIX, "date")):
        glued = pattern.search(line.text)
        rest = line.text[: glued.start()] if glued else ""
        if glued and not _TERMINAL.search(rest) and len(words(rest)) <= _TITLE_MAX_WORDS:
            line.meta.append(f"{kind}:{glued.group(0).strip()}")
            line.text = line.text[: glued.start()].strip()
            line.headline = True


def resolve(
    lines: list[Line], known_title: str | None = None, slug: str | None = None
) -> Classified:
    """Label what patterns alone cannot: lists, headlines, subheadings and truncated last lines."""
    content = [line for line in lines if line.text or line.label]
    _mark_lists(content)
    for line in content:
        if line.label is None and is_prose(line.text):
            line.label = "body"
    title = _find_title(content, known_title, slug)
    if title:
        for line in content:
            if line.label in (None, "body") and same_headline(line.text, title):
                line.label = "title"
    _drop_body_above_headline(content)
    _label_short_lines(content)
    _mark_widget_dates(content)
    section = _section(content)
    archive = next((m[8:] for line in content for m in line.meta if m.startswith("archive:")), None)
    meta = [m for line in content for m in line.meta]
    return Classified(content, title, section, archive, meta)


def _drop_body_above_headline(lines: list[Line]) -> None:
    """The article starts at its headline: a sentence printed above it (a tagline, a promo, a
    cookie notice) is page furniture. Only a headline near the top counts, so a headline
    repeated lower down cannot wipe out the body above it."""
    top = next((i for i, line in enumerate(lines[:_TITLE_WINDOW]) if line.label == "title"), None)
    for line in lines[: top or 0]:
        if line.label == "body":
            line.label = "chrome"


def _mark_lists(lines: list[Line]) -> None:
    """Everything under a "Most Popular"-style heading is chrome until running text resumes."""
    in_list = False
    for line in lines:
        if line.list_heading:
            in_list = True
        elif line.headline:
            in_list = False
        elif in_list and line.label is None:
            if is_prose(line.text) and len(words(line.text)) >= 12 and _TERMINAL.search(line.text):
                in_list = False
            else:
                line.label = "chrome"


def _find_title(lines: list[Line], known: str | None, slug: str | None) -> str | None:
    """The headline: the header's title, else a line with a byline glued to it, else a line
    printed twice, else one matching the URL slug, else a headline-shaped first line."""
    if known:
        return known
    glued = [line.text for line in lines if line.headline]
    top = [line for line in lines[:_TITLE_WINDOW] if line.label != "meta" and line.text]
    if glued:
        return glued[0]
    shaped = [line.text for line in top if 3 <= len(words(line.text)) <= _TITLE_MAX_WORDS]
    for index, text in enumerate(shaped):
        twins = [other for other in shaped[index + 1 :] if same_headline(text, other)]
        if twins:
            return min([text, *twins], key=_headline_noise)
    if slug:
        scored = [(fuzz.token_sort_ratio(normal(text), slug), text) for text in shaped]
        best = max(scored, default=(0.0, ""))
        if best[0] >= _SLUG_MATCH:
            return best[1]
    return _first_headline(top)


def _headline_noise(text: str) -> tuple[bool, int]:
    """Of two printings of a headline, prefer the one not cut with "..." and without a prefix."""
    return bool(_ELLIPSIS_END.search(text)), len(text)


def _first_headline(top: list[Line]) -> str | None:
    """A first line shaped like a headline (no full stop) followed by running text."""
    for index, line in enumerate(top):
        if line.label == "chrome" or len(words(line.text)) < 4 or _ELLIPSIS_END.search(line.text):
            continue
        following = next((other for other in top[index + 1 :] if other.label != "chrome"), None)
        if (
            not _TERMINAL.search(line.text)
            and len(words(line.text)) <= _TITLE_MAX_WORDS
            and following is not None
            and following.label in (None, "body")
        ):
            return line.text
        return None
    return None


def _label_short_lines(lines: list[Line]) -> None:
    """A short line between body paragraphs is a subheading; elsewhere it is chrome.

    The last line of an excerpt is often cut mid-sentence ("Earl"), so the line that ends the
    page counts as body; a last line with chrome after it must read like a sentence.
    """
    body_seen = False
    # The next line not labelled chrome, for every line, in one pass from the end: the loop
    # below only labels the line it is on, so the lines after it still have these labels. (A
    # search from each line would be quadratic: minutes for a page of 100,000 short lines.)
    following_at: list[Line | None] = [None] * len(lines)
    after: Line | None = None
    for index in range(len(lines) - 1, -1, -1):
        following_at[index] = after
        if lines[index].label != "chrome":
            after = lines[index]
    for index, line in enumerate(lines):
        if line.label == "body":
            body_seen = True
        if line.label is not None:
            continue
        following = following_at[index]
        is_last = following is None
        if body_seen and following is not None and following.label == "body":
            line.label = "body" if len(words(line.text)) <= 14 else "chrome"
        elif (
            is_last
            and body_seen
            and _previous_label(lines, index) == "body"
            and (_ends_page(lines, index) or _reads_as_sentence(line.text))
        ):
            line.label = "body"
        else:
            line.label = "chrome"


def _ends_page(lines: list[Line], index: int) -> bool:
    """Nothing at all is printed after this line: the excerpt stops here, often mid-word."""
    return not any(other.raw.strip() for other in lines[index + 1 :])


def _reads_as_sentence(text: str) -> bool:
    """A short last sentence still has several words, many of them lower case; a tag, a place
    name or a button label printed after the body, with more chrome below it, does not."""
    tokens = words(text)
    return len(tokens) >= _LAST_LINE_MIN_WORDS and _lower_share(tokens) >= 0.3


def _previous_label(lines: list[Line], index: int) -> Label | None:
    return next((line.label for line in reversed(lines[:index]) if line.label != "chrome"), None)


def _mark_widget_dates(lines: list[Line]) -> None:
    """A date printed under a weather widget is usually today's date at scrape time, not the
    article's: mark it so the date logic treats it as unsure."""
    for index, line in enumerate(lines):
        near = lines[max(0, index - 3) : index]
        if any(_TEMPERATURE.fullmatch(other.text) for other in near):
            line.meta = [m.replace("date:", "widget:", 1) for m in line.meta]


def _section(lines: list[Line]) -> str | None:
    """A one- or two-word label printed just above the headline ("World") names the section."""
    for index, line in enumerate(lines):
        if line.label != "title":
            continue
        if index == 0:
            return None
        label = lines[index - 1]
        before = lines[index - 2].text if index >= 2 else ""
        if (
            label.label == "chrome"
            and not label.list_heading
            and 1 <= len(words(label.text)) <= 2
            and label.text[:1].isupper()
            and not _TEMPERATURE.fullmatch(before)
            and not patterns().chrome.fullmatch(label.text)
        ):
            return label.text.rstrip(":")
        return None
    return None


def classify(text: str, known_title: str | None = None, slug: str | None = None) -> Classified:
    """Label every line of a scraped page; line numbers start at 1 within ``text``."""
    lines = [match(number, raw) for number, raw in enumerate(text.splitlines(), start=1)]
    return resolve(lines, known_title, slug)
