"""The Streamlit app's entry script: page setup and navigation.

Run it with `toxicpath ui`, which starts `streamlit run` on this file bound
to 127.0.0.1 and passes the store spec in TOXICPATH_UI_STORE.
"""

from __future__ import annotations

import streamlit as st

from toxicpath.ui.app.state import store_spec

PAGES = (
    ("screens/overview.py", "Overview", "overview"),
    ("screens/attack_paths.py", "Attack paths", "attack-paths"),
    ("screens/blast_radius.py", "Blast radius", "blast-radius"),
    ("screens/choke_points.py", "Choke points", "choke-points"),
    ("screens/findings.py", "Findings", "findings"),
    ("screens/console.py", "Console", "console"),
    ("screens/scans.py", "Scans", "scans"),
)


def main() -> None:
    st.set_page_config(page_title="toxicpath", layout="wide")
    pages = [
        st.Page(path, title=title, url_path=url, default=index == 0)
        for index, (path, title, url) in enumerate(PAGES)
    ]
    navigation = st.navigation(pages)
    st.sidebar.caption(f"Store: {store_spec() or '(default)'}")
    navigation.run()


if __name__ == "__main__":
    main()
