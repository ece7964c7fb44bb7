"""Every CSV the app offers is safe to open in a spreadsheet."""

import io

import pandas as pd

from indicators.core.exports import to_csv_bytes


def test_formula_text_is_neutralised_in_string_columns_and_numbers_are_kept():
    # pandas 3 reads text as its own string dtype, not object: both must be neutralised
    frame = pd.DataFrame({"Area": pd.array(["=HYPERLINK(\"http://x\")", "Bloomfield"], dtype="str"),
                          "Note": pd.Series(["@SUM(A1)", None], dtype=object),
                          "Estimate": [-0.25, 0.5]})
    back = pd.read_csv(io.BytesIO(to_csv_bytes(frame)), encoding="utf-8-sig", keep_default_na=False)
    assert back["Area"].tolist() == ["'=HYPERLINK(\"http://x\")", "Bloomfield"]
    assert back["Note"].tolist() == ["'@SUM(A1)", ""]
    assert back["Estimate"].tolist() == [-0.25, 0.5]
