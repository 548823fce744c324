"""Loss Lab home page: what changes when only the loss changes."""

import streamlit as st

from ui import frame

with frame.page("home"):
    st.write(frame.ABOUT)
