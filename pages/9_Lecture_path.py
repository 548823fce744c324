"""Lecture path: write a path through the views and get one link that carries it."""

import streamlit as st

from present.default_path import DEFAULT
from present.paths import LIMITS, Path, PathError, Stop
from ui import controls, frame, lecture
from views import lecture as lv

#: The stops being written (session only: the link is the path, nothing is stored).
STOPS = "_lecture_editor_stops"
#: The start the stops were last set from (the ``start`` control, bound to the link).
STARTED = "_lecture_editor_start"
EMPTY = lv.EMPTY
STARTS = {EMPTY: (), "default": DEFAULT.stops}
HOW = (
    "Paste Loss Lab links below (one per line; a lecture path's link brings all its stops), "
    "or add views from any page's **QR code** button, or start from the default lecture. "
    "Give each stop a one-line title and the claim its figure shows, set the order, and copy "
    "the link: it opens the path at its first stop. Next and previous (or Page Down / Page "
    "Up, → / ←) walk it; nothing is stored on a server, the link is the path."
)

with frame.page("lecture_path", defaults=lv.DEFAULTS):
    st.markdown(HOW)
    stops: list[Stop] = list(st.session_state.get(STOPS, []))
    address = lecture.app_address(lecture.EDITOR)
    hosts = lv.hosts_of([address, st.context.url or ""])
    base = lv.base_path(address)

    c1, c2, c3 = st.columns(3)
    # a link can open the editor on a built-in path (``?start=default``)
    start = controls.select(
        c1,
        "Start from",
        list(STARTS),
        "start",
        lv.DEFAULTS["start"],
        help="empty, or the default lecture",
    )
    if st.session_state.get(STARTED) != start:
        st.session_state[STARTED] = start
        if start != EMPTY or STOPS not in st.session_state:
            stops = list(STARTS[start])
    added = st.session_state.get(lecture.DRAFT, [])
    if c2.button(
        f"Take the {len(added)} view(s) you added",
        icon=":material/playlist_add:",
        disabled=not added,
    ):
        stops += lv.from_draft(added)
        st.session_state[lecture.DRAFT] = []
    if c3.button("Clear the path", icon=":material/delete:", disabled=not stops):
        stops = []

    with st.form("paste", border=False):
        text = st.text_area(
            "Loss Lab links, one per line",
            key="_lecture_paste",
            height=120,
            max_chars=2 * LIMITS["token"],
            placeholder=f"{address}/Decision_boundaries?dataset=moons",
        )
        if st.form_submit_button("Add these links", icon=":material/add_link:"):
            new, refused = lv.add_links(text, lecture.page_names(), hosts, base)
            stops += new
            for line in refused:
                st.warning(lv.escape(line), icon=":material/link_off:")
    stops = stops[: LIMITS["stops"]]

    st.session_state[STOPS] = stops
    if not stops:
        st.info("No stops yet.", icon=":material/info:")
    else:
        st.subheader(f"{len(stops)} stop(s)")
        edited = st.data_editor(
            lv.rows(stops),
            key=f"lecture_table_{lv.fingerprint(stops)}",  # new stops: a fresh table
            num_rows="delete",
            hide_index=True,
            width="stretch",
            disabled=["page", "link"],
            column_config={
                "order": st.column_config.NumberColumn("Order", min_value=1, step=1),
                "title": st.column_config.TextColumn("Title", max_chars=LIMITS["title"]),
                "claim": st.column_config.TextColumn("Claim", max_chars=LIMITS["claim"]),
                "page": st.column_config.TextColumn("Page", width="small"),
                "link": st.column_config.TextColumn("View"),
            },
        )
        present = st.toggle("Open in presenter mode", value=True, key="_lecture_present")
        try:
            stops = lv.from_rows(edited, stops)
            st.session_state[STOPS] = stops
            path = Path(tuple(stops))
            link = lv.path_link(address, path, present=present)
        except PathError as err:
            st.error(lv.escape(str(err)), icon=":material/error:")
        else:
            st.markdown("**Your lecture path's link** (copy it into your slides or notes):")
            st.code(link, language=None, wrap_lines=True)
            st.link_button("Open the path", link, icon=":material/play_arrow:")
            frame.takeaway(lv.summary(path, len(link)))
