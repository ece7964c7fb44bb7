"""Bench floor: the least a Streamlit page can cost — a title and a line of text."""

import streamlit as st

st.title("Floor: text only")
st.write("A line of text.")
