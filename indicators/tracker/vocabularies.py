"""The words of residents' testimony, the campaign log and the reports: each vocabulary's codes (what the store
keeps) and their labels in plain English, marked ``N_`` and said in the reader's language where shown.

Consent is chosen by the person who gives a testimony, in these words, and kept as data with it
(:mod:`indicators.tracker.testimony` enforces it in every view, export, report and brief).
"""

from __future__ import annotations

from indicators.core.i18n import N_

#: what a testimony is about
TESTIMONY_KINDS: dict[str, str] = {
    "harm": N_("Something that harms people's rights"),
    "good_practice": N_("Something that works and should be kept"),
}

#: how a testimony reached the coalition
CHANNELS: dict[str, str] = {
    "online": N_("on the Tell us page"),
    "meeting": N_("at a meeting"),
    "phone": N_("by phone"),
    "other": N_("in another way (a letter, a visit)"),
}

#: where a testimony stands in moderation
TESTIMONY_STATES: dict[str, str] = {
    "pending": N_("Waiting for review"),
    "accepted": N_("Accepted"),
    "changes_requested": N_("Changes asked for"),
    "rejected": N_("Not accepted"),
    "withdrawn": N_("Withdrawn"),
}

#: what each version of a testimony did
TESTIMONY_ACTIONS: dict[str, str] = {
    "submitted": N_("given"),
    "revised": N_("changed by the person who gave it"),
    "accepted": N_("accepted"),
    "changes_requested": N_("changes asked for"),
    "rejected": N_("not accepted"),
    "linked": N_("links to recommendations or indicators changed"),
    "withdrawn": N_("withdrawn"),
}

#: a reviewer's decisions (each is also the state it leads to)
DECISIONS: dict[str, str] = {
    "accepted": N_("Accept"),
    "changes_requested": N_("Ask for changes"),
    "rejected": N_("Reject"),
}

#: what the person allows, from the narrowest use to the widest; each allows the uses before it
CONSENT_USES: dict[str, str] = {
    "coalition": N_("Use it only inside the coalition"),
    "reports": N_("Use it in reports, without my name"),
    "public": N_("Quote it publicly on this dashboard and in reports, without my name"),
}
CONSENT_AREA = N_("My neighborhood may be shown with it")

#: who may see a testimony for each purpose: the consents that allow it (and it must be accepted)
PURPOSE_CONSENTS: dict[str, tuple[str, ...]] = {
    "coalition": ("coalition", "reports", "public"),
    "report": ("reports", "public"),
    "count": ("reports", "public"),
    "public": ("public",),
}

#: the smallest number of testimonies a public count shows; fewer are said as "fewer than 5"
MIN_CELL = 5

#: the campaign's actions
ACTION_KINDS: dict[str, str] = {
    "council_hearing": N_("Council hearing"),
    "testimony_given": N_("Testimony given"),
    "petition": N_("Petition"),
    "letter": N_("Letter"),
    "meeting": N_("Meeting with an official"),
    "media": N_("Media coverage"),
    "proclamation": N_("Proclamation passed"),
    "ordinance": N_("Ordinance passed"),
    "budget_line": N_("Budget line"),
    "other": N_("Other action"),
}

#: the two kinds of report a coalition compiles
REPORT_TEMPLATES: dict[str, str] = {
    "stakeholder": N_("Stakeholder submission to the UN's Universal Periodic Review"),
    "local": N_("Local report to city officials"),
}
