"""Tell us: a resident gives testimony — what harms people's rights, or what works — without an account, chooses
how it may be used, gets a receipt code to follow or withdraw it; and sees what residents have told the coalition."""

from __future__ import annotations

import streamlit as st

from indicators.tracker.errors import ValidationError
from indicators.tracker.testimony import TooManySubmissions
from indicators.tracker.vocabularies import MIN_CELL
from ui import testimony as tm
from ui import tracker as ut
from ui.i18n import _

FIELDS = ("kind", "story", "topics", "themes", "area", "area_map", "area_map_applied", "area_map_open", "when", "files",
          "consent", "area_ok", "contact", "website")

city = ut.current_city()
store = ut.store_or_stop()
st.html(f"<style>{tm.HIDE_HONEYPOT}</style>")

if st.session_state.pop("tell_sent", None):
    # a testimony was just given: the form starts empty, so it is not sent twice
    for name in FIELDS:
        st.session_state.pop(f"tell_{name}", None)

st.title(_("Tell us"))
st.markdown(_("What happens in your neighborhood matters for human rights in {city}: housing you can keep, "
              "being treated fairly, meeting your needs. Tell the coalition what harms people's rights — or what "
              "works and should be kept. No account is needed.", city=ut.md_escape(ut.city_name(city))))
st.caption(_("Nothing you write is public until a reviewer of the coalition reads it, and then only as you allow "
             "below. Your name is never published; counts are shown only from {n} testimonies.", n=MIN_CELL))

ut.show_flash()
give, check, told = st.tabs([_("Give testimony"), _("Check or withdraw"), _("What residents told us")])

with give:
    receipt = st.session_state.get("tell_receipt")
    if receipt:
        tm.receipt_box(receipt)
        if st.button(_("Give another testimony"), key="tell_again"):
            st.session_state.pop("tell_receipt", None)
            st.rerun()
    else:
        fields = tm.testimony_fields(city, "tell")
        files = tm.file_field("tell")
        st.markdown(_("**Your consent**"))
        consent, area_ok = tm.consent_fields("tell")
        contact = st.text_input(_("How can a reviewer reach you, if they have a question? (optional)"),
                                key="tell_contact", max_chars=200,
                                placeholder=_("an e-mail address or a phone number"),
                                help=_("Only reviewers see it, and only to ask you about this testimony."))
        honeypot = st.text_input(_("Leave this field empty"), key="tell_website", max_chars=200)
        if st.button(_("Send my testimony"), type="primary", key="tell_send"):
            try:
                tm.submission_limiter().check(tm.client_key(), count=False)
                sent = store.testimony.submit(city=city, consent_use=consent, consent_area=area_ok, contact=contact,
                                              files=files, honeypot=honeypot, **fields)
                tm.submission_limiter().record(tm.client_key())
            except ValidationError as exc:
                ut.show_problems(exc)
            except TooManySubmissions as exc:
                ut.show_error(exc)
            else:
                st.session_state["tell_receipt"] = sent.code
                st.session_state["tell_sent"] = True
                st.rerun()

with check:
    st.markdown(_("Type the receipt code you were given to see what happened to your testimony, to change it when a "
                  "reviewer asked you to, or to withdraw it."))
    tm.receipt_panel(store)

with told:
    tm.public_counts(store, city)
    if not tm.public_quotes(store, city, limit=6, heading=_("In residents' words")):
        st.caption(_("No resident has allowed a public quote yet."))
    st.page_link(ut.page("upr_recommendations.py"), label=_("The UN recommendations these testimonies speak to"),
                 icon=":material/gavel:")
