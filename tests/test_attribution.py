"""Attribution: who says what, how sure, on invented news sentences with exact spans."""

from __future__ import annotations

import dataclasses
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsledger.extract.attribution import find_attributions, own_certainty
from newsledger.extract.claims import extract
from newsledger.extract.entities import find_entities
from newsledger.extract.nlp import parse
from newsledger.ingest.document import document_id
from newsledger.model import Claim, DateInfo, Document, Entity, EntityLabel

warnings.filterwarnings("ignore", message=r".*\[W036\].*")


def extract_claims(text: str) -> list[Claim]:
    """Claims with their figures attached, as ``extract`` gives them."""
    published = DateInfo("2025-03-12", "header")
    document = Document(document_id(text), text, None, None, None, None, published)
    return list(extract(document).claims)


def ent(
    text: str, name: str, label: EntityLabel, canonical: str | None = None, nth: int = 0
) -> Entity:
    """An entity built by hand, so the tests do not depend on the NER model's labels."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(name, start + 1)
    return Entity(name, start, start + len(name), label, canonical or name)


def claims(text: str, entities: list[Entity] | None = None) -> list[Claim]:
    doc = parse(text)
    found = find_attributions(doc, find_entities(doc) if entities is None else entities)
    for claim in found:
        assert_consistent(claim, text)
    return found


def assert_consistent(claim: Claim, text: str) -> None:
    assert text[claim.start : claim.end] == claim.text
    assert text[claim.content.start : claim.content.end] == claim.content.text
    if claim.cue is not None:
        assert text[claim.cue.start : claim.cue.end] == claim.cue.text
    if claim.source is not None:
        assert text[claim.source.start : claim.source.end] == claim.source.text


def only(found: list[Claim]) -> Claim:
    assert len(found) == 1, [(c.cue and c.cue.text, c.content.text) for c in found]
    return found[0]


def by_cue(found: list[Claim], cue: str) -> Claim:
    matching = [c for c in found if c.cue is not None and c.cue.text == cue]
    assert matching, [(c.cue and c.cue.text, c.content.text) for c in found]
    return matching[0]


# --- direct quotes -------------------------------------------------------------------------------


def test_straight_quote_then_speaker() -> None:
    text = '"We will not retreat," the commander said.'
    claim = only(claims(text))
    assert claim.content.text == '"We will not retreat,"'
    assert claim.cue is not None and claim.cue.text == "said"
    assert claim.source is not None and claim.source.text == "the commander"
    assert claim.source.kind == "unnamed"
    assert claim.certainty == "reported"
    assert (claim.start, claim.end) == (0, len(text))


def test_curly_quote_with_named_speaker_after_the_verb() -> None:
    text = "“Our air defences shot down 12 drones overnight,” said Oleh Petrenko, a ministry spokesman."
    entities = [ent(text, "Oleh Petrenko", "person")]
    claim = only(claims(text, entities))
    assert claim.content.text == "“Our air defences shot down 12 drones overnight,”"
    assert claim.cue is not None and claim.cue.text == "said"
    assert claim.source is not None
    assert claim.source.text.startswith("Oleh Petrenko")
    assert (claim.source.kind, claim.source.canonical) == ("person", "Oleh Petrenko")


def test_quote_split_by_he_said_gives_two_claims_sharing_the_cue() -> None:
    text = "“We are ready,” he said, “and we will not wait for the winter.”"
    found = claims(text)
    assert [c.content.text for c in found] == [
        "“We are ready,”",
        "“and we will not wait for the winter.”",
    ]
    said = text.index("said")
    assert {(c.cue.start, c.cue.end) for c in found if c.cue} == {(said, said + 4)}
    assert all(c.source is not None and c.source.text == "he" for c in found)


def test_quote_continued_in_the_next_sentence_keeps_its_speaker() -> None:
    text = "“The shelling stopped at dawn,” the mayor said. “Nobody has slept for two days.”"
    found = claims(text)
    assert [c.content.text for c in found] == [
        "“The shelling stopped at dawn,”",
        "“Nobody has slept for two days.”",
    ]
    assert all(c.cue is not None and c.cue.text == "said" for c in found)


def test_quote_across_paragraphs_with_continuation_mark() -> None:
    text = (
        "“The first convoy crossed the border on Monday.\n\n"
        "“The second one is due next week,” the minister said."
    )
    claim = only(claims(text))
    assert claim.content.text == text[: text.index("”") + 1]
    assert claim.source is not None and claim.source.text == "the minister"
    assert (claim.start, claim.end) == (0, len(text))


def test_quote_opened_on_one_line_and_closed_on_the_next() -> None:
    text = "“The first convoy crossed the border on Monday and more will follow\nuntil the job is done,” the minister said."
    claim = only(claims(text))
    assert claim.content.text == text[: text.index("”") + 1]
    assert claim.cue is not None and claim.cue.text == "said"


def test_colon_then_quote_on_the_next_paragraph() -> None:
    text = "The general said:\n\n“We have enough shells for a month, not more.”"
    claim = only(claims(text))
    assert claim.content.text == "“We have enough shells for a month, not more.”"
    assert claim.source is not None and claim.source.text == "The general"


def test_scare_quotes_stay_inside_the_reported_clause() -> None:
    text = "Patrick Ryder said a “relatively small number” of soldiers had reached the front."
    claim = only(claims(text, [ent(text, "Patrick Ryder", "person")]))
    assert claim.content.text == "a “relatively small number” of soldiers had reached the front"


def test_credit_line_after_a_quote() -> None:
    text = "“I lost my shop and my house in one night.” ―Maria Lopez, 54, Kherson"
    claim = only(claims(text))
    assert claim.cue is not None and claim.cue.text == "―"
    assert claim.source is not None and claim.source.text == "Maria Lopez"
    assert claim.source.kind == "person"


def test_speaker_label_of_a_transcript() -> None:
    text = (
        "HOST: What did the minister tell you about the ceasefire?\nGRANT: He told me nothing new."
    )
    found = claims(text)
    host = by_cue(found, ":")
    assert host.source is not None and host.source.text == "HOST"
    assert host.content.text == "What did the minister tell you about the ceasefire?"[:-1]
    assert any(c.source is not None and c.source.text == "GRANT" for c in found)


def test_double_apostrophe_quote_marks() -> None:
    text = "''We are not going anywhere,'' Mr. Park said."
    claim = only(claims(text, [ent(text, "Park", "person")]))
    assert claim.content.text == "''We are not going anywhere,''"
    assert claim.source is not None and (claim.source.kind, claim.source.canonical) == (
        "person",
        "Park",
    )


def test_misparsed_speaker_after_a_quote_is_read_between_quote_and_cue() -> None:
    text = "“We will find who did this,” Police Chief Anna Berg said Monday."
    claim = only(claims(text, [ent(text, "Anna Berg", "person")]))
    assert claim.content.text == "“We will find who did this,”"
    assert claim.source is not None and claim.source.canonical == "Anna Berg"


# --- reported speech -----------------------------------------------------------------------------


def test_said_that() -> None:
    text = "Defence Minister Kim Yong-hyun said that 3,000 troops had been deployed."
    claim = only(claims(text, [ent(text, "Kim Yong-hyun", "person")]))
    assert claim.source is not None
    assert claim.source.text == "Defence Minister Kim Yong-hyun"
    assert (claim.source.kind, claim.source.canonical) == ("person", "Kim Yong-hyun")
    assert claim.cue is not None and claim.cue.text == "said"
    assert claim.content.text == "that 3,000 troops had been deployed"
    assert (claim.start, claim.end) == (0, len(text))


def test_said_without_that() -> None:
    text = "Officials said the bridge would reopen on Friday."
    claim = only(claims(text))
    assert claim.content.text == "the bridge would reopen on Friday"
    assert claim.source is not None and (claim.source.text, claim.source.kind) == (
        "Officials",
        "unnamed",
    )


def test_clause_then_officials_said() -> None:
    text = "The troops will arrive by Friday, officials said."
    claim = only(claims(text))
    assert claim.content.text == "The troops will arrive by Friday"
    assert claim.source is not None and claim.source.text == "officials"


def test_clause_then_the_agency_reported_resolves_the_agency() -> None:
    text = (
        "Yonhap news agency first carried the figures.\n"
        "About 1,500 soldiers have already arrived in Vladivostok, the agency reported."
    )
    entities = [ent(text, "Yonhap", "media"), ent(text, "Vladivostok", "place")]
    claim = by_cue(claims(text, entities), "reported")
    assert claim.content.text == "About 1,500 soldiers have already arrived in Vladivostok"
    assert claim.source is not None and claim.source.text == "the agency"
    assert (claim.source.kind, claim.source.canonical) == ("media", "Yonhap")
    assert claim.text == text.split("\n")[1]


def test_told_reporters() -> None:
    text = "Mr. Austin told reporters that the troops were moving toward the front."
    claim = only(claims(text, [ent(text, "Austin", "place")]))
    assert claim.cue is not None and claim.cue.text == "told"
    assert claim.content.text == "that the troops were moving toward the front"
    assert claim.source is not None and claim.source.text == "Mr. Austin"
    assert claim.source.kind == "person"  # the title wins over a wrong NER label


def test_parenthetical_said_splits_the_clause() -> None:
    text = "On the eastern front, he said, the lines have barely moved."
    found = claims(text)
    assert [c.content.text for c in found] == [
        "On the eastern front",
        "the lines have barely moved",
    ]


def test_as_police_said() -> None:
    text = "The driver had no licence, as police have said."
    claim = only(claims(text))
    assert claim.content.text == "The driver had no licence"
    assert claim.source is not None and claim.source.text == "police"
    assert (claim.source.kind, claim.source.canonical) == ("unnamed", None)  # which police?


def test_relative_clause_cue_leaves_the_relative_word_out() -> None:
    text = "He criticised the donations, which he said were bought with favours."
    claim = by_cue(claims(text), "said")
    assert claim.content.text == "were bought with favours"


def test_participle_shares_the_speaker_and_leaves_the_clause() -> None:
    text = "Mark Rutte confirmed that troops were in Kursk, calling it a dangerous escalation."
    found = claims(text, [ent(text, "Mark Rutte", "person")])
    assert by_cue(found, "confirmed").content.text == "that troops were in Kursk"
    calling = by_cue(found, "calling")
    assert calling.source is not None and calling.source.canonical == "Mark Rutte"


def test_it_resolves_to_the_body_that_spoke() -> None:
    text = (
        "The foreign ministry said any deployment would be lawful.\n"
        "It did not confirm that troops had been sent."
    )
    claim = by_cue(claims(text, []), "confirm")
    assert claim.source is not None and claim.source.text == "It"
    assert (claim.source.kind, claim.source.canonical) == ("government", "foreign ministry")
    assert claim.certainty == "speculative"  # "did not confirm"


def test_according_to() -> None:
    text = "About 11,000 soldiers are in Kursk, according to the Pentagon."
    claim = only(claims(text, []))
    assert claim.cue is not None and claim.cue.text == "according to"
    assert claim.source is not None and claim.source.text == "the Pentagon"
    assert (claim.source.kind, claim.source.canonical) == ("government", "Pentagon")
    assert claim.content.text == "About 11,000 soldiers are in Kursk"


def test_as_per() -> None:
    text = "As per the defence ministry, the drills will continue until Sunday."
    claim = only(claims(text, []))
    assert claim.cue is not None and claim.cue.text == "As per"
    assert claim.source is not None and claim.source.text == "the defence ministry"
    assert claim.source.kind == "government"
    assert claim.content.text == "the drills will continue until Sunday"


def test_comma_per_names_a_source_and_a_rate_per_does_not() -> None:
    text = "Their pay is about $900 per month, per Brelish intelligence."
    claim = only(claims(text, []))
    assert claim.cue is not None and claim.cue.text == "per"
    assert claim.source is not None and claim.source.text == "Brelish intelligence"
    assert claim.source.kind == "government"
    assert claim.content.text == "Their pay is about $900 per month"
    assert claims("Each soldier earns $900 per month, per soldier.", []) == []


def test_according_to_a_relay_leaves_the_inner_claim_to_its_speaker() -> None:
    text = "Refugees say the ration is less than $2 a week, according to the Associated Press."
    found = extract_claims(text)
    inner = by_cue(found, "say")
    assert inner.content.text == "the ration is less than $2 a week"
    assert [q.text for q in inner.quantities] == ["less than $2 a week"]
    assert by_cue(found, "according to").quantities == ()


SPEAKER_CASES = [
    # a person citing intelligence is the source, not the intelligence
    (
        "Brelish MP Anna Velk-Moor, citing intelligence data, said 300 marines had died.",
        [("Anna Velk-Moor", "person")],
        "said",
        ("person", "Anna Velk-Moor"),
    ),
    # the second "he" of "he told X, but he warned" is the first one, not the listener
    (
        "Mayor Jonas Welk spoke on Friday.\n"
        '"We lost 40 homes," he told host Marta Quill, but he warned that 200 more were at risk.',
        [("Jonas Welk", "person"), ("Marta Quill", "person")],
        "warned",
        ("person", "Jonas Welk"),
    ),
    # "criticised for saying": said by who was criticised
    (
        "Mayor Jonas Welk, who was criticised last week for saying as many as 90 people "
        "might be missing, said he stood by it.",
        [("Jonas Welk", "person")],
        "saying",
        ("person", "Jonas Welk"),
    ),
    # "the report" is written by the body that last spoke
    (
        "Deutsche Welle interviewed a captured soldier last week.\n"
        "According to the report, recruits earn about $2,000 a month.",
        [("Deutsche Welle", "media")],
        "According to",
        ("document", "Deutsche Welle"),
    ),
    # a sentence opening on someone's report, with no speech verb, is the report's claim
    (
        "In a situational report of the Kaldmoor Water Board, the flood damaged 143 homes.",
        [("Kaldmoor Water Board", "organization")],
        "In",
        ("organization", "Kaldmoor Water Board"),
    ),
    (
        "In the Kaldmoor Water Board's latest report, 143 homes were damaged.",
        [("Kaldmoor Water Board", "organization")],
        "In",
        ("document", "Kaldmoor Water Board"),
    ),
    # a team the text never names is nobody in particular
    (
        "According to the research team, half of all households lack clean water.",
        [],
        "According to",
        ("unnamed", None),
    ),
    # "he" goes back to who spoke, not to who was spoken of
    (
        "Mayor Jonas Welk said that if Tomas Brand resigns, the town will struggle.\n"
        "He also argued that the dam must be rebuilt.",
        [("Jonas Welk", "person"), ("Tomas Brand", "person")],
        "argued",
        ("person", "Jonas Welk"),
    ),
]


@pytest.mark.parametrize(
    ("text", "names", "cue", "speaker"), SPEAKER_CASES, ids=[c[2] for c in SPEAKER_CASES]
)
def test_who_speaks(
    text: str, names: list[tuple[str, EntityLabel]], cue: str, speaker: tuple[str, str]
) -> None:
    claim = by_cue(claims(text, [ent(text, name, label) for name, label in names]), cue)
    assert claim.source is not None
    assert (claim.source.kind, claim.source.canonical) == speaker


def test_criticised_for_saying_takes_only_what_was_said() -> None:
    text = SPEAKER_CASES[2][0]
    claim = by_cue(claims(text, [ent(text, "Jonas Welk", "person")]), "saying")
    assert claim.content.text == "as many as 90 people might be missing"


CUE_CASES = [
    ("estimated", "estimated"),
    ("believes", "estimated"),
    ("warned", "reported"),
    ("confirmed", "confirmed"),
    ("denied", "denied"),
    ("disclosed", "reported"),
    ("mentioned", "reported"),
    ("added", "reported"),
    ("stated", "reported"),
    ("claimed", "reported"),
    ("reported", "reported"),
    ("noted", "reported"),
    ("announced", "reported"),
    ("insisted", "reported"),
    ("assessed", "estimated"),
]


@pytest.mark.parametrize(("verb", "certainty"), CUE_CASES)
def test_cue_verbs_and_their_certainty(verb: str, certainty: str) -> None:
    text = f"The ministry {verb} that the convoy had reached the port."
    claim = only(claims(text))
    assert claim.cue is not None and claim.cue.text == verb
    assert claim.content.text == "that the convoy had reached the port"
    assert claim.source is not None and claim.source.text == "The ministry"
    assert claim.source.kind == "government"
    assert claim.certainty == certainty


@pytest.mark.parametrize(
    ("text", "cue", "content", "certainty"),
    [
        (
            "Analysts suspect that the shipments began in August.",
            "suspect",
            "that the shipments began in August",
            "speculative",
        ),
        (
            "The minister expressed concern that the talks would fail.",
            "expressed",
            "concern that the talks would fail",
            "reported",
        ),
        (
            "The commander told the newspaper that the unit had withdrawn.",
            "told",
            "that the unit had withdrawn",
            "reported",
        ),
    ],
)
def test_more_cue_verbs(text: str, cue: str, content: str, certainty: str) -> None:
    claim = only(claims(text))
    assert claim.cue is not None and claim.cue.text == cue
    assert claim.content.text == content
    assert claim.certainty == certainty


# --- sources that are not the subject ------------------------------------------------------------


def test_experts_such_as_x_warn() -> None:
    text = "Experts such as Victor Cha warn that the deployment could escalate the war."
    claim = only(claims(text, [ent(text, "Victor Cha", "person")]))
    assert claim.source is not None and claim.source.text == "Victor Cha"
    assert (claim.source.kind, claim.source.canonical) == ("person", "Victor Cha")
    assert claim.certainty == "speculative"


def test_nested_source_office_of_a_person() -> None:
    text = (
        "As per an announcement from the office of President Yoon Suk Yeol, the army is on alert."
    )
    claim = only(claims(text, [ent(text, "Yoon Suk Yeol", "person")]))
    assert claim.source is not None
    assert claim.source.text == "the office of President Yoon Suk Yeol"
    assert (claim.source.kind, claim.source.canonical) == ("government", "Yoon Suk Yeol's office")
    assert claim.content.text == "the army is on alert"


def test_citing_outlet_gives_the_cited_source() -> None:
    text = "Reuters, citing South Korea's spy agency, reported that 3,000 soldiers had been sent."
    entities = [ent(text, "Reuters", "media"), ent(text, "South Korea", "place")]
    claim, relayed = claims(text, entities)
    assert claim.source is not None and claim.source.text == "South Korea's spy agency"
    assert claim.source.kind == "government"
    assert claim.content.text == relayed.content.text == "that 3,000 soldiers had been sent"
    # the relay passes the same claim on, so it is a source mention too (its origin is the NIS)
    assert relayed.source is not None and (relayed.source.text, relayed.source.kind) == (
        "Reuters",
        "media",
    )


def test_pronoun_resolves_to_the_latest_person() -> None:
    text = "Pentagon spokesman Patrick Ryder briefed the press on Tuesday.\nHe added that the troops were moving."
    entities = [ent(text, "Pentagon", "government"), ent(text, "Patrick Ryder", "person")]
    claim = by_cue(claims(text, entities), "added")
    assert claim.source is not None and claim.source.text == "He"
    assert (claim.source.kind, claim.source.canonical) == ("person", "Patrick Ryder")
    assert claim.text == "He added that the troops were moving."


def test_she_skips_a_man() -> None:
    text = "Ms. Choe Son Hui met Sergei Lavrov in Moscow.\nShe said the talks were productive."
    entities = [ent(text, "Choe Son Hui", "person"), ent(text, "Sergei Lavrov", "person")]
    claim = by_cue(claims(text, entities), "said")
    assert claim.source is not None and claim.source.canonical == "Choe Son Hui"


def test_role_noun_resolves_to_the_person_with_that_role() -> None:
    text = "Patrick Ryder, the Pentagon spokesman, briefed the press.\nThe spokesman said the troops were moving."
    claim = by_cue(claims(text, [ent(text, "Patrick Ryder", "person")]), "said")
    assert claim.source is not None and claim.source.text == "The spokesman"
    assert (claim.source.kind, claim.source.canonical) == ("person", "Patrick Ryder")


def test_role_noun_without_a_person_is_unnamed() -> None:
    text = "The spokesperson said the convoy had left."
    claim = only(claims(text, []))
    assert claim.source is not None
    assert (claim.source.kind, claim.source.canonical) == ("unnamed", None)


# --- no agent, or not a person -------------------------------------------------------------------


def test_it_is_estimated_has_no_source() -> None:
    text = "It is estimated that 10,000 troops were sent."
    claim = only(claims(text))
    assert claim.source is None
    assert claim.cue is not None and claim.cue.text == "estimated"
    assert claim.content.text == "that 10,000 troops were sent"
    assert claim.certainty == "estimated"


def test_new_reports_suggest_names_nobody() -> None:
    text = "New reports suggest the number could be as high as 100,000."
    claim = only(claims(text))
    assert claim.source is not None and claim.source.text == "New reports"
    assert (claim.source.kind, claim.source.canonical) == ("unnamed", None)
    assert claim.cue is not None and claim.cue.text == "suggest"
    assert claim.certainty == "speculative"


def test_it_was_reported_has_no_source() -> None:
    claim = only(claims("It was reported that the soldiers had crossed the border."))
    assert claim.source is None
    assert claim.cue is not None and claim.cue.text == "reported"


@pytest.mark.parametrize(
    "text",
    [
        "Evidence suggests that the soldiers are in Kursk.",
        "Videos appear to show soldiers training near the border.",
        "Satellite data shows that the base has expanded.",
    ],
)
def test_non_sources_are_never_people(text: str) -> None:
    claim = only(claims(text))
    assert claim.source is None or claim.source.kind == "document"


def test_videos_appear_to_show_is_speculative() -> None:
    claim = only(claims("Videos appear to show soldiers training near the border."))
    assert claim.cue is not None and claim.cue.text == "show"
    assert claim.certainty == "speculative"


# --- kinds and certainty -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "entities", "kind"),
    [
        (
            "Samsung said that its factories were running.",
            [("Samsung", "organization")],
            "organization",
        ),
        ("The Kremlin denied that any troops had been sent.", [], "government"),
        ("Pyongyang said the drills were defensive.", [], "government"),
        ("The White House said the aid would continue.", [], "government"),
        ("Yonhap reported that the drills had ended.", [], "media"),
        ("KCNA said the launch was a success.", [], "media"),
        ("It was reported by the newspaper that the port had closed.", [], "media"),
        ("South Korea's spy agency said 1,500 soldiers had left.", [], "government"),
        # officials of a named body speak for it: kind and canonical come from the body
        ("Pentagon officials said the soldiers were in Kursk.", [], "government"),
        ("Officials said the soldiers were in Kursk.", [], "unnamed"),
        ("The report said the factory had closed.", [], "document"),
        ("A source said the convoy left at dawn.", [], "unnamed"),
        ("Analysts said the sanctions were working.", [], "unnamed"),
    ],
)
def test_source_kinds(text: str, entities: list[tuple[str, EntityLabel]], kind: str) -> None:
    claim = only(claims(text, [ent(text, name, label) for name, label in entities]))
    assert claim.source is not None and claim.source.kind == kind


@pytest.mark.parametrize(
    ("text", "certainty"),
    [
        ("The ministry confirmed that two ships had docked.", "confirmed"),
        ("Officials said the toll could be as high as 400.", "speculative"),
        ("Officials said the number of dead may rise.", "speculative"),
        ("Officials said the unconfirmed toll was 40.", "speculative"),
        ("Official confirmation of the toll is still pending, the ministry said.", "speculative"),
        ("The soldiers reportedly said they had been deceived.", "speculative"),
        ("The ministry dismissed the reports as fake news.", "denied"),
        ("The embassy said the claims were not true.", "denied"),
        ("The ministry rejected the figures.", "denied"),
        ("Analysts believe that 12,000 troops were sent.", "estimated"),
    ],
)
def test_certainty(text: str, certainty: str) -> None:
    assert only(claims(text)).certainty == certainty


def test_hedge_in_the_source_makes_it_speculative() -> None:
    claim = only(claims("Unconfirmed reports said the general had been killed."))
    assert claim.certainty == "speculative"


def test_stance_verb_needs_someone_as_subject() -> None:
    assert claims("The new plan raises taxes on fuel.") == []
    text = "Senator Lee raised concerns about the fuel tax."
    claim = only(claims(text, [ent(text, "Lee", "person")]))
    assert claim.cue is not None and claim.cue.text == "raised"


def test_may_the_month_is_not_a_hedge() -> None:
    text = "Officials said the bridge had reopened in May."
    assert only(claims(text)).certainty == "reported"


# --- robustness ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n", "“", '"', "” said", "said", "according to", ": :", "“a\n\n“b\n\n“c", "''x''"],
)
def test_odd_inputs_do_not_raise(text: str) -> None:
    claims(text, [])


def test_entities_out_of_range_are_ignored() -> None:
    text = "Officials said the bridge had reopened."
    bad = [Entity("x", 500, 510, "person", "x"), Entity("y", -3, 2, "person", "y")]
    assert only(claims(text, bad)).source is not None


WORDS = [
    "said",
    "he",
    "she",
    "Kim",
    "the",
    "ministry",
    "troops",
    "according",
    "to",
    "as",
    "per",
    "that",
    "could",
    "denied",
    "reported",
    "Reuters",
    "citing",
    "1,000",
    "officials",
    "told",
]
PIECES = st.sampled_from([*WORDS, "“", "”", '"', "''", ",", ".", ":", "―", "\n", "\n\n", " "])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=40))
def test_any_text_gives_consistent_spans(pieces: list[str]) -> None:
    text = " ".join(pieces)
    doc = parse(text)
    entities = find_entities(doc)
    for claim in find_attributions(doc, entities):
        assert_consistent(claim, text)
        assert 0 <= claim.start <= claim.end <= len(text)
        assert claim.certainty in {"confirmed", "reported", "estimated", "speculative", "denied"}
        if claim.source is not None:
            assert claim.source.kind in {
                "person",
                "organization",
                "government",
                "media",
                "document",
                "unnamed",
            }


# --- news-writing patterns: misparsed cues, speakers after the claim, resolution ---------------


def _figure_claim(body: str, value: float) -> Claim:
    """The claim of a whole-document extraction that owns the figure with this value."""
    found = extract(_document(body))
    for claim in found.claims:
        if any(value in (q.value, q.low, q.high) for q in claim.quantities):
            return claim
    raise AssertionError(f"no claim owns {value}")


def _document(body: str) -> Document:
    return Document(
        document_id(body), body, "Flood", "Valley Times", None, "x.txt", DateInfo("2025-04-02")
    )


def test_cue_misread_as_participle_on_its_subject_still_attributes() -> None:
    # the small model reads "reported" here as a participle on "intelligence"
    text = (
        "Orlenian military intelligence reported on Oct. 12 that about 900 fighters, including "
        "40 officers, were already at three camps."
    )
    claim = by_cue(claims(text), "reported")
    assert claim.source is not None and claim.source.text == "Orlenian military intelligence"
    assert claim.source.kind == "government"
    assert claim.content.text == (
        "that about 900 fighters, including 40 officers, were already at three camps"
    )


def test_speaker_between_comma_and_cue_after_the_claim() -> None:
    text = (
        "BRANDT FALLS, April 2 (NPA) - As many as 80 people may be missing after a levee failed "
        "in Orlen County, the mayor of the town worst hit by the flood said on Tuesday, a "
        "figure above the government's estimate."
    )
    claim = by_cue(claims(text), "said")
    assert claim.source is not None
    assert claim.source.text == "the mayor of the town worst hit by the flood"
    assert claim.content.text == (
        "As many as 80 people may be missing after a levee failed in Orlen County"
    )


def test_role_noun_resolves_to_the_holder_named_in_a_later_sentence() -> None:
    text = (
        "At least 30 people are missing after the levee broke, the governor of Orlen Province "
        "said on Monday.\n\n"
        '"We will search through the night," Governor Hedda Marsk told reporters.'
    )
    entities = [ent(text, "Hedda Marsk", "person", "Hedda Marsk")]
    entities = [dataclasses.replace(entities[0], role="governor")]
    claim = by_cue(claims(text, entities), "said")
    assert claim.source is not None and claim.source.text == "the governor of Orlen Province"
    assert (claim.source.kind, claim.source.canonical) == ("person", "Hedda Marsk")


def test_told_reporters_attributes_the_clause_before_it() -> None:
    text = (
        "Crews are struggling across the valley, with about 200 homes flooded in the last day "
        "alone, utility spokesman Ivo Brandt has told reporters."
    )
    claim = by_cue(claims(text), "told")
    assert claim.source is not None and claim.source.text == "utility spokesman Ivo Brandt"
    assert claim.content.text == (
        "Crews are struggling across the valley, with about 200 homes flooded in the last day alone"
    )


def test_spy_agency_resolves_to_the_intelligence_service_named_in_the_document() -> None:
    text = (
        "The Orlen Intelligence Service briefed lawmakers on Monday. "
        "The spy agency said 300 fighters had crossed the border."
    )
    entities = [ent(text, "Orlen Intelligence Service", "government")]
    claim = by_cue(claims(text, entities), "said")
    assert claim.source is not None and claim.source.text == "The spy agency"
    assert (claim.source.kind, claim.source.canonical) == (
        "government",
        "Orlen Intelligence Service",
    )


def test_put_at_is_a_cue_and_put_pressure_on_is_not() -> None:
    text = (
        "The repair bill, which Works Minister Jan Pello put at about $3 million, is rising. "
        "Farmers put pressure on the council."
    )
    found = claims(text)
    claim = only(found)
    assert claim.cue is not None and claim.cue.text == "put at"
    assert claim.source is not None and claim.source.text == "Works Minister Jan Pello"
    assert claim.content.text == "about $3 million"


def test_approximate_figure_is_reported_and_a_believed_bound_estimated() -> None:
    text = "Police said approximately 400 people had left the town."
    assert only(claims(text)).certainty == "reported"
    text = "The agency believes as many as 2,000 troops are being moved north."
    assert by_cue(claims(text), "believes").certainty == "estimated"
    text = "The official said up to 5,000 troops are expected to be assembled by Monday."
    assert by_cue(claims(text), "said").certainty == "speculative"


def test_collective_media_and_eyewitnesses_are_unnamed() -> None:
    text = "The minister called the report false, according to Orlenian media."
    claim = by_cue(claims(text), "according to")
    assert claim.source is not None and claim.source.text == "Orlenian media"
    assert (claim.source.kind, claim.source.canonical) == ("unnamed", None)


def test_figure_goes_to_the_nearer_cue_when_contents_tie() -> None:
    body = (
        "Borduria has sent 8,000 troops for training, the State Office said Monday, as "
        "President Anton Vell warned Borduria may soon have as many as 10,000 soldiers there."
    )
    claim = _figure_claim(body, 10000)
    assert claim.cue is not None and claim.cue.text == "warned"
    body = "The ministry estimated the number of missing at about 90 and confirmed seven deaths."
    claim = _figure_claim(body, 90)
    assert claim.cue is not None and claim.cue.text == "estimated"


def test_spokesman_for_a_body_is_that_body_but_not_a_place() -> None:
    body = (
        "By noon more than 900 families had applied, a spokesman for the Ministry of Labour said."
    )
    claim = _figure_claim(body, 900)
    assert claim.source is not None
    assert (claim.source.kind, claim.source.canonical) == ("government", "Ministry of Labour")


def test_titled_surname_gets_the_full_name_given_earlier() -> None:
    body = (
        "Governor Hedda Marsk opened the shelter on Monday.\n"
        "Speaking later, Ms Marsk said crews had recovered two bodies on Sunday."
    )
    claim = _figure_claim(body, 2)
    assert claim.source is not None and claim.source.text == "Ms Marsk"
    assert claim.source.canonical == "Hedda Marsk"


def test_durations_and_ages_are_no_claim_figures() -> None:
    body = "The 74-year-old said the water rose within 20 minutes and flooded 30 homes."
    found = extract(_document(body))
    figures = [q.text for c in found.claims for q in c.quantities]
    assert figures == ["30 homes"]


def test_figure_a_count_reaches_counts_what_the_count_counts() -> None:
    body = (
        "Officials said the number of people confirmed dead has risen to 19.\n"
        "Casualties among the crews have now reached about 300."
    )
    nineteen = next(q for q in _figure_claim(body, 19).quantities if q.value == 19)
    assert nineteen.counted == "people confirmed dead"
    three_hundred = next(q for q in _figure_claim(body, 300).quantities if q.value == 300)
    assert three_hundred.counted == "Casualties"


@pytest.mark.parametrize(
    ("text", "sources", "content"),
    [
        (  # a joint subject: each actor states it
            "The United States and South Korea disclosed that at least 3,000 soldiers had moved.",
            [("The United States", "United States"), ("South Korea", "South Korea")],
            "that at least 3,000 soldiers had moved",
        ),
        (  # an outlet named by its web address relays what it cites
            "He made the comments after the attack, News.Az reports, citing Russian media.He left.",
            [("Russian media", None), ("News.Az", "News.Az")],
            "He made the comments after the attack",
        ),
        (  # "according to" a medium citing others is a relay, the description gives the name
            'Troops arrived, according to the South Korean newspaper "JoongAng," citing military'
            " sources.",
            [("military sources", None), ('the South Korean newspaper "JoongAng', "JoongAng")],
            "Troops arrived",
        ),
    ],
)
def test_each_speaker_of_one_statement_gets_a_claim(
    text: str, sources: list[tuple[str, str | None]], content: str
) -> None:
    found = claims(text)
    assert [(c.source.text, c.source.canonical) for c in found if c.source] == sources
    assert {c.content.text for c in found} == {content}


def test_joint_according_to_keeps_the_second_actor_out_of_the_content() -> None:
    text = "According to Ukraine and South Korea, 11,000 troops were sent."
    found = claims(text)
    assert [c.source.canonical for c in found if c.source] == ["Ukraine", "South Korea"]
    assert {c.content.text for c in found} == {"11,000 troops were sent"}


def test_person_with_company_is_one_source() -> None:
    found = only(claims("Zelensky and his aides said 12,000 troops were sent."))
    assert found.source is not None and found.source.text == "Zelensky and his aides"


def test_relative_pronoun_source_is_the_person_it_stands_for() -> None:
    """The span stays "who", as PolNeAR marks it; the name is the canonical."""
    text = "It answered Defense Minister Kim Yong-hyun, who suggested that 300 soldiers went."
    found = only(claims(text))
    assert found.source is not None
    assert (found.source.text, found.source.kind) == ("who", "person")
    assert found.source.canonical == "Kim Yong-hyun"


@pytest.mark.parametrize(
    "text", ["He called for calm on Monday.", "Thunberg promised protests every week."]
)
def test_calls_and_pledges_are_not_attributions(text: str) -> None:
    """The gold's rule: a call or a pledge is an act, not a report of what is so."""
    assert all(c.cue is None for c in claims(text))


def test_relative_pronoun_after_a_date_names_no_one() -> None:
    text = "The claim was made on Monday, which said 300 troops were sent."
    assert all(c.source is None or c.source.canonical != "Monday" for c in claims(text))


def test_office_of_an_unresolved_pronoun_names_no_one() -> None:
    found = only(claims("The troops had not fought yet, as reported by their presidential office."))
    assert found.source is not None
    assert (found.source.kind, found.source.canonical) == ("government", None)


def test_the_newspaper_is_the_latest_medium_named() -> None:
    text = "Yonhap ran the story on Friday. The newspaper said 500 soldiers had died."
    entities = [ent(text, "Yonhap", "media")]
    found = only(claims(text, entities))
    assert found.source is not None and (found.source.kind, found.source.canonical) == (
        "media",
        "Yonhap",
    )


@pytest.mark.parametrize(
    "text",
    [
        "The provincial government did not confirm that figure.",
        "The Civic Observer has not seen the documents.",
        "The ministry did not say how many households were expected back.",
        "Russian President Vladimir Putin refrained from denying the reports.",
        "This suggests that about 200 more casualties occur daily.",  # the writer's inference
    ],
)
def test_a_cue_not_done_states_nothing(text: str) -> None:
    """Negated ("did not confirm"), held back ("refrained from denying") or the writer's own
    reasoning ("this suggests"): no one is quoted."""
    assert [c for c in claims(text) if c.source is not None] == []


def test_negated_cue_with_a_clause_is_a_hedged_claim() -> None:
    found = only(claims("Peskov did not say the troops were there."))
    assert found.certainty == "speculative" and found.content.text == "the troops were there"


def test_cue_misparsed_in_a_sentence_with_no_verb_left_still_attributes() -> None:
    text = "Some regional outlets reported on Monday that the death toll had reached 22."
    found = only(claims(text))
    assert found.source is not None and (found.source.text, found.source.kind) == (
        "Some regional outlets",
        "unnamed",
    )
    assert found.content.text == "that the death toll had reached 22"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Opposition parties said it should also look at 12 dams.", "unnamed"),
        ("Intelligence agencies reported that it was sending 300 troops.", "unnamed"),
        ("South Korean intelligence agencies reported that 300 troops went.", "government"),
    ],
)
def test_plural_bodies_of_no_one_state_are_unnamed(text: str, kind: str) -> None:
    found = only(claims(text))
    assert found.source is not None and found.source.kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "He said Washington remains concerned that Russia plans to use these soldiers.",
        "Zelensky said that Russia intends to deploy North Korean troops.",
        "The minister said the council welcomed the inquiry.",
    ],
)
def test_stance_inside_a_reported_clause_is_the_speakers_claim(text: str) -> None:
    found = only(claims(text))
    assert found.cue is not None and found.cue.text == "said"


def test_stance_of_its_own_is_still_a_claim() -> None:
    found = only(claims("Russia intends to deploy 3,000 troops."))
    assert found.cue is not None and found.cue.text == "intends"


def test_which_after_according_to_is_the_same_source_mention() -> None:
    text = "Damage reached $25 million, according to the ministry, which said more was coming."
    spans = {(c.source.start, c.source.end) for c in claims(text) if c.source}
    assert spans == {(text.index("the ministry"), text.index("the ministry") + 12)}


def test_a_line_under_a_heading_keeps_its_first_word() -> None:
    line = "Reports indicate that much of the relief money is likely being held back by officials."
    text = f"A Costly Winter for Valley Farmers\n\n{line}\nYes. He agreed."
    sentences = [s.text.strip() for s in parse(text).sents]
    assert line in sentences
    assert "Yes." in sentences
    found = by_cue(claims(text), "indicate")
    assert found.source is not None and (found.source.text, found.source.kind) == (
        "Reports",
        "unnamed",
    )


def test_a_negated_cue_does_not_take_a_clause_before_it() -> None:
    text = "Works were postponed for budget reasons; the authority did not respond to a request."
    assert [c for c in claims(text) if c.source is not None] == []


def test_agentless_cue_inside_an_attribution_speaks_for_its_source() -> None:
    text = "According to the ministry, it was confirmed that about 300 troops had died."
    found = by_cue(claims(text), "confirmed")
    assert found.source is not None and found.source.text == "the ministry"
    assert found.certainty == "confirmed"


def test_adding_up_is_no_speech() -> None:
    assert claims("At $2,000 per soldier, the bill could quickly add up for Moscow.") == []


@pytest.mark.parametrize(
    ("text", "kind", "canonical"),
    [
        ("The Russian ally Belarus has also said it was increasing its troops.", "government",
         "Belarus"),
        ("According to flight status information aggregator Cirium, 2,691 flights were "
         "canceled.", "organization", "Cirium"),
    ],
)  # fmt: skip
def test_a_description_before_a_name_gives_the_name(text: str, kind: str, canonical: str) -> None:
    found = only(claims(text))
    assert found.source is not None
    assert (found.source.kind, found.source.canonical) == (kind, canonical)


@pytest.mark.parametrize(
    ("text", "kind", "canonical"),
    [
        ("According to authorities, 82 of the passengers were men.", "unnamed", None),
        ("Russian authorities said 12 people died.", "government", "Russian authorities"),
    ],
)
def test_authorities_of_no_one_named_body_are_unnamed(
    text: str, kind: str, canonical: str | None
) -> None:
    found = only(claims(text))
    assert found.source is not None
    assert (found.source.kind, found.source.canonical) == (kind, canonical)


def test_the_company_is_the_firm_that_spoke_before() -> None:
    text = (
        "Microsoft revealed the scope of the outage on Saturday. Incidents like the CrowdStrike"
        " event are rare. The company assured users that measures are being taken."
    )
    entities = [ent(text, "Microsoft", "organization"), ent(text, "CrowdStrike", "organization")]
    found = by_cue(claims(text, entities), "assured")
    assert found.source is not None and found.source.canonical == "Microsoft"


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("He declared that the war was over.", "declared"),
        ("Engineers inspected 640 homes and declared 212 of them unsafe.", "declared"),
        ("The ministry issued a warning that the dam could fail.", "issued"),
        ("Prices rose, with CNBC reporting about the price passing $100.", "reporting about"),
        ("The court ruled that the law was void.", "ruled"),
        ("The army command notified officers that the regime had ended.", "notified"),
        ("Employee Rick Brissen recounted the loss of his condo.", "recounted"),
        ("The minister called the demand unprecedented.", "called"),
        ("Investigators found that the pilot erred.", "found"),
    ],
)
def test_cue_verbs_with_something_stated_are_claims(text: str, cue: str) -> None:
    assert by_cue(claims(text), cue).source is not None


def test_a_dateline_is_no_speaker_label() -> None:
    text = "Damascus: Syrian rebel forces on Sunday claimed control of the capital city."
    found = only(claims(text))
    assert found.source is not None and found.source.text == "Syrian rebel forces"


@pytest.mark.parametrize(
    ("text", "speaks"),
    [
        ("Macron said the reconstruction showed that great nations could do it.", "said"),
        ("Satellite images showed that 300 trucks had crossed.", "showed"),
    ],
)
def test_showing_needs_a_record_or_someone(text: str, speaks: str) -> None:
    assert [c.cue.text for c in claims(text) if c.cue is not None] == [speaks]


def test_what_the_speaker_does_while_speaking_is_not_what_he_says() -> None:
    text = (
        "Emmanuel Macron said the reconstruction showed that nations could achieve the impossible"
        " as he welcomed 40 world leaders."
    )
    found = by_cue(claims(text), "said")
    assert "leaders" not in found.content.text


@pytest.mark.parametrize(
    "text",
    [
        "Zelensky said that if Trump decides to leave NATO, Europe would suffer.",
        "The mayor said that no inspection had found the dam to be unsafe.",
    ],
)
def test_conditions_and_denied_subjects_claim_nothing_for_them(text: str) -> None:
    assert [c.cue.text for c in claims(text) if c.cue is not None] == ["said"]


def test_she_goes_back_to_the_last_speaker_even_one_the_model_missed() -> None:
    text = (
        "Minister Aurel Dancey told parliament the cost was high. Experts such as Dr Ilse "
        "Marrowby warned that the toll could reach 60. “Most of them lived by the river,” she said."
    )
    entities = [ent(text, "Aurel Dancey", "person")]
    found = [c for c in claims(text, entities) if c.source and c.source.text == "she"]
    assert [c.source.canonical for c in found if c.source] == ["Ilse Marrowby"]


def test_a_countrys_role_no_one_was_given_is_unnamed() -> None:
    found = only(claims("Russia's president said 40 people left."))
    assert found.source is not None and (found.source.kind, found.source.canonical) == (
        "unnamed",
        None,
    )


def test_a_credit_line_gives_the_cited_source_and_its_relay() -> None:
    text = (
        "About 100 soldiers have been killed in Kursk.\n\n"
        "Sources: Reuters, citing Seong-kweun, who disclosed the data."
    )
    credited = [c for c in claims(text) if c.cue is not None and c.cue.text == ":"]
    assert {(c.source.text, c.source.kind) for c in credited if c.source} == {
        ("Reuters", "media"),
        ("Seong-kweun", "person"),
    }
    assert all(c.content.text == "About 100 soldiers have been killed in Kursk" for c in credited)


def test_the_writers_inference_is_its_own_estimate() -> None:
    assert own_certainty("This suggests that about 200 more casualties occur daily.") == "estimated"


def test_he_after_speaking_to_someone_is_not_the_one_spoken_to() -> None:
    text = (
        "Crown Prince Mohammad bin Salman spoke on TV. Speaking to Martin Smith of PBS, he said"
        " it happened under his watch."
    )
    found = by_cue(claims(text), "said")
    assert found.source is not None and found.source.canonical != "Martin Smith"


def test_a_document_names_its_author_and_is_not_written_by_a_month() -> None:
    text = (
        "According to the News.com.au report, stores sold out. One study in the Journal of "
        "Threatened Taxa from March noted that 126 skins were seized."
    )
    names = {c.cue.text: c.source.canonical for c in claims(text) if c.cue and c.source}
    assert names["According to"] == "News.com.au"
    assert names["noted"] != "March"


@pytest.mark.parametrize(
    "text",
    [
        "Tension rose after Yoon declared martial law on Tuesday night.",
        "The party, which had issued impeachment motions against the auditor, lost.",
        "Assad, who has ruled the country for 24 years, has fled.",
        "It struggled to respond to the attack.",
        "A mother called the police in Kamloops.",
        "The opioid crisis claimed 15,393 lives in Canada.",
        "The group claimed responsibility for the attack.",
        "The constable found the bagged carcass after inquiring.",
        "The crown prince accepted responsibility for the murder.",
    ],
)
def test_acts_named_by_cue_verbs_are_no_claims(text: str) -> None:
    assert claims(text) == []


def test_a_cue_joined_to_the_reported_verb_speaks_for_the_speaker() -> None:
    found = by_cue(
        claims("The ministry said 40 people died and added that 12 were missing."), "added"
    )
    assert found.source is not None and found.source.text == "The ministry"


def test_thinking_under_the_speakers_own_said_is_one_claim() -> None:
    found = claims("Rachel Giese said she felt the pleas might provide some solace.")
    assert [c.cue.text for c in found if c.cue is not None] == ["said"]


@pytest.mark.parametrize(
    "text",
    [
        "One MP told the BBC that 16 million people wanted to stay.",
        "Bruce McArthur, from Toronto, on Tuesday admitted his guilt in eight murders.",
    ],
)
def test_an_mp_unnamed_is_unnamed_and_a_plea_is_no_claim(text: str) -> None:
    assert all(c.source is None or c.source.canonical is None for c in claims(text))


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("The act, which the Supreme Court later ruled to be unconstitutional, was repealed.",
         "to be unconstitutional"),
        ("Nadler has repeatedly maintained that an impeachment inquiry is underway.",
         "that an impeachment inquiry is underway"),
    ],
)  # fmt: skip
def test_rulings_and_maintaining_are_one_claim_each(text: str, content: str) -> None:
    assert [c.content.text for c in claims(text)] == [content]


def test_guidelines_are_a_document() -> None:
    found = only(claims("The guidelines cite the 2009 outbreak as an example."))
    assert found.source is not None and found.source.kind == "document"


def test_per_a_document_opening_the_sentence_is_an_attribution() -> None:
    found = only(claims("Per the doctrines, testimony of two witnesses is required."))
    assert found.source is not None and (found.source.text, found.source.kind) == (
        "the doctrines",
        "document",
    )


@pytest.mark.parametrize(
    ("text", "cue", "canonical"),
    [
        # a country's role: the person the text gave it
        ("More than 3,800 were killed, Ukrainian President Volodymyr Zelenskyy said. But "
         "Ukraine's president told a podcast that hundreds more died.", "told",
         "Volodymyr Zelensky"),
        # "the spokesman": the press secretary named before
        ("Pentagon press secretary Pat Ryder said 10,000 troops were in Kursk. Russia will "
         "struggle to reinforce, according to the spokesman.", "according to", "Patrick Ryder"),
        # a surname the model took for a noun
        ("President Donald Trump spoke. Trump characterized the call as perfectly fine.",
         "characterized", "Donald Trump"),
        # lower-case police: the force named before
        ("The Kaldmoor Provincial Police opened an inquiry on Monday. Police say 63 people are "
         "still missing.", "say", "Kaldmoor Provincial Police"),
        # a government said to be of a country is that country's, not the one named before
        ("The United States government said it would act. The Argentinian government said three "
         "people died.", "said", "United States"),
        ("The United States government said it would act. The Argentinian government announced "
         "that three people died.", "announced", "Argentina"),
        ("The government of Iraq said 12 people died.", "said", "Iraq"),
        # a role noun's appositive is the person who speaks, by the parse or by the commas
        ("German Chancellor Angela Merkel's spokesperson, Steffen Seibert, said it is possible "
         "that the airline flies arms.", "said", "Steffen Seibert"),
        ("According to Windsor Locks' first selectman, Chris Kervick, there were ten passengers "
         "aboard.", "According to", "Chris Kervick"),
        # a described source closing on a name the model left untagged, then its surname
        ('"He was brilliant," said University of California, San Diego\'s chancellor, Pradeep '
         "Khosla. Khosla talked of his discoveries and said they were many.", "talked of",
         "Pradeep Khosla"),
        # a place opening a title, which the parser took for the head
        ("According to Connecticut Senator Richard Blumenthal, the airplane is one of eighteen "
         "left.", "According to", "Richard Blumenthal"),
        # an abbreviation of the alias table, in capitals
        ("The AU announced that 54 states had signed.", "announced", "African Union"),
    ],
)  # fmt: skip
def test_a_later_mention_is_who_the_text_named_before(text: str, cue: str, canonical: str) -> None:
    found = by_cue(claims(text), cue)
    assert found.source is not None and found.source.canonical == canonical


@pytest.mark.parametrize(
    ("text", "medium", "canonical"),
    [
        ("In a statement issued on Monday, the Royal Canadian Mounted Police said three people "
         "died.", "a statement", "Royal Canadian Mounted Police"),
        ("Ford said in a financial filing to the regulator that 40 cars failed the test.",
         "a financial filing", "Ford"),
        ("The task force released a statement saying 17 rockets struck the base.",
         "a statement", None),
    ],
)  # fmt: skip
def test_the_document_a_source_spoke_in_is_its_medium(
    text: str, medium: str, canonical: str | None
) -> None:
    found = next(c for c in extract_claims(text) if c.medium is not None)
    assert found.medium is not None
    assert (found.medium.text, found.medium.kind, found.medium.canonical) == (
        medium,
        "document",
        canonical,
    )
    assert text[found.medium.start : found.medium.end] == medium


def test_the_document_that_speaks_is_no_medium_of_itself() -> None:
    found = only(claims("The statement said four people died."))
    assert found.medium is None


def test_a_joint_subject_with_descriptions_is_its_first_part() -> None:
    text = (
        "On Thursday, UK-based retailer Tesco and Denmark-based retailer Salling Group announced "
        "the sale of 301 stores."
    )
    found = by_cue(claims(text), "announced")
    assert found.source is not None and found.source.canonical == "Tesco"


@pytest.mark.parametrize(
    "text",
    [
        "Police said they questioned the car's owner.",  # an interrogation, not speech
        "The parcel weighs 300 pounds.",  # weighing, not weighing in
        "The flooding put 11 million people at risk.",  # putting at no figure
    ],
)
def test_acts_are_no_cues(text: str) -> None:
    cues = ("questioned", "weighs", "put")
    assert all(c.cue is None or c.cue.text not in cues for c in claims(text))


def test_putting_or_placing_a_count_at_a_figure_claims_the_figure() -> None:
    placed = by_cue(extract_claims("Reuters placed the death toll at 40 on Monday."), "placed")
    assert placed.certainty == "estimated" and placed.content.text == "the death toll at 40"
    put = by_cue(extract_claims("Reuters put the death toll at 40 on Monday."), "put")
    assert [q.value for q in put.quantities] == [40]


@pytest.mark.parametrize(
    "text",
    [
        "Prosecutors charged the suspect with capital murder.",  # a legal act, not a statement
        "The police, who said nothing, left.",  # never the WHO
    ],
)
def test_acts_and_pronouns_are_no_named_sources(text: str) -> None:
    assert all(c.source is None or c.source.canonical is None for c in claims(text))


def test_a_name_with_and_inside_is_one_source() -> None:
    text = "The Department of Forestry and Fire Protection said 300 acres burned."
    found = only(claims(text))
    assert found.source is not None
    assert found.source.canonical == "Department of Forestry and Fire Protection"
