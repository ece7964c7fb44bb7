"""Reading recommendation lists: the real official file, plain spreadsheets, and every refused file."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.tracker.errors import ImportRejected
from indicators.tracker.importer import (
    FRAME_COLUMNS,
    parse_recommendations,
    read_official_csv,
    read_recommendations,
    validate_recommendation_frame,
)

PLAIN_HEADER = "Number,Recommending State,Text,Response,Theme\n"
# two rows taken verbatim from the official list (26.214 and 26.1)
PLAIN_ROWS = (
    '26.214,Croatia,"Strengthen federal law in order to restrict access to firearms by potential abusers and '
    'implement regulations with the aim of removing the so-called “gunshow loophole”",Supported,Right to life\n'
    "26.1,Somalia,Consider ratifying all remaining human rights conventions,supported,"
    "Ratification of & accession to international instruments\n"
)


def rejected(data: bytes, cycle: int | None = 3) -> ImportRejected:
    with pytest.raises(ImportRejected) as info:
        parse_recommendations(data, "list.csv", cycle)
    return info.value


def test_official_list_reads_all_347_recommendations_with_their_responses(official_csv):
    frame = read_official_csv(official_csv)
    assert list(frame.columns) == FRAME_COLUMNS
    # 348 lines in the file = header + 347 rows (26.1 ... 26.347); PROVENANCE.md: 263 + 17 + 67 = 347
    assert len(frame) == 347
    assert frame["number"].is_unique
    assert frame["response"].value_counts().to_dict() == {"supported": 263, "noted": 67, "supported_in_part": 17}
    assert frame["theme"].nunique() == 43
    # grep ',Death penalty,' -> 35 rows: 23 ',noted,noted,', 10 ',supported,supported,',
    # 2 ',supported_in_part,supported_noted,'
    death_penalty = frame[frame["theme"] == "Death penalty"]["response"].value_counts().to_dict()
    assert death_penalty == {"noted": 23, "supported": 10, "supported_in_part": 2}
    row = frame.set_index("number").loc["26.214"]
    assert row["recommending_state"] == "Croatia"
    assert row["rec_no"] == 214
    assert row["theme"] == "Right to life"
    assert row["text"].endswith("the so-called “gunshow loophole”")
    # the source code "supported_noted" of 26.9 reads as supported in part
    assert frame.set_index("number").loc["26.9", "response"] == "supported_in_part"


def test_official_list_round_trips_through_parquet_for_the_snapshot(official_csv, tmp_path):
    frame = read_official_csv(official_csv)
    path = tmp_path / "upr_recommendations.parquet"
    frame.to_parquet(path)
    again = pd.read_parquet(path)
    assert len(validate_recommendation_frame(again)) == 347


def test_plain_csv_with_loose_header_names_and_response_spellings():
    frame = parse_recommendations((PLAIN_HEADER + PLAIN_ROWS).encode(), "plain.csv", cycle=3)
    assert frame["number"].tolist() == ["26.214", "26.1"]
    assert frame["response"].tolist() == ["supported", "supported"]
    assert frame["rec_no"].tolist() == [214, 1]
    assert frame["cycle"].tolist() == [3, 3]
    assert "wg_report" not in frame.columns   # left as it is on re-import


def test_plain_csv_with_a_byte_order_mark_and_a_cycle_column_needs_no_cycle_argument():
    data = ("\ufeffcycle," + PLAIN_HEADER.replace("\n", "") + "\n"
            + "".join("2," + line + "\n" for line in PLAIN_ROWS.splitlines())).encode()
    frame = parse_recommendations(data, "plain.csv", cycle=None)
    assert frame["cycle"].tolist() == [2, 2]


def test_plain_csv_without_cycle_is_rejected_unless_the_cycle_is_given():
    problem = rejected((PLAIN_HEADER + PLAIN_ROWS).encode(), cycle=None).problems[0]
    assert problem.line == 1 and "cycle" in problem.reason


def test_wrong_columns_are_named_with_what_was_found():
    error = rejected(b"PK,ARRESTTIME,RACE\n1,2016-08-01,B\n")
    assert error.problems[0].line == 1
    assert "missing columns number, recommending_state, text, response, theme" in error.problems[0].reason
    assert "found: PK, ARRESTTIME, RACE" in error.problems[0].reason
    assert "nothing was written" in str(error)


def test_official_file_missing_a_column_is_rejected(official_csv):
    text = official_csv.read_text(encoding="utf-8").replace(",primary_theme,", ",theme_x,", 1)
    error = rejected(text.encode())
    assert "missing column primary_theme" in error.problems[0].reason


def test_windows_1252_file_is_rejected_with_the_line_of_the_bad_byte():
    data = (PLAIN_HEADER + PLAIN_ROWS).encode("cp1252")   # “ and ” become 0x93 / 0x94 on line 2
    problem = rejected(data).problems[0]
    assert problem.line == 2
    assert "not UTF-8" in problem.reason and "0x93" in problem.reason


def test_utf16_file_is_rejected():
    assert "UTF-16" in str(rejected((PLAIN_HEADER + PLAIN_ROWS).encode("utf-16")))


def test_semicolon_separated_file_is_rejected():
    data = (PLAIN_HEADER + PLAIN_ROWS).replace(",", ";").encode()
    assert "separated by commas" in str(rejected(data))


@pytest.mark.parametrize("row, line, words", [
    ("26.5,Paraguay,Ratify treaties,maybe,Theme\n", 4, "unknown response 'maybe'"),
    ("26.x,Paraguay,Ratify treaties,noted,Theme\n", 4, "not a recommendation number"),
    ("26.5,Paraguay,,noted,Theme\n", 4, "text: is required"),
    ("26.5,,Ratify treaties,noted,Theme\n", 4, "recommending_state: is required"),
    ("26.5,Paraguay,Ratify <script>alert(1)</script>,noted,Theme\n", 4, "HTML markup"),
    ("26.5,Paraguay,Ratify,noted\n", 4, "4 fields where the header has 5"),
    ("26.1,Somalia,Again,noted,Theme\n", 4, "already on line 3"),
    ('26.5,Paraguay,"' + "x" * 10_001 + '",noted,Theme\n', 4, "10,001 characters long; the limit is 10,000"),
])
def test_one_bad_row_rejects_the_whole_file_naming_line_and_reason(row, line, words):
    error = rejected((PLAIN_HEADER + PLAIN_ROWS + row).encode())
    assert [p.line for p in error.problems] == [line]
    assert words in str(error.problems[0])


def test_line_numbers_count_quoted_fields_spanning_lines():
    rows = '26.5,Paraguay,"first line\nsecond line",noted,Theme\n26.6,Chile,Text,nope,Theme\n'
    error = rejected((PLAIN_HEADER + rows).encode())
    assert error.problems[0].line == 4


def test_official_rec_no_must_match_the_paragraph(official_csv):
    lines = official_csv.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[214] = lines[214].replace(",26.214,214,", ",26.214,215,")   # line 215 of the file holds 26.214
    error = rejected("".join(lines).encode())
    assert error.problems[0].line == 215
    assert "rec_no 215 does not match number 26.214" in error.problems[0].reason


def test_empty_and_header_only_files_are_rejected():
    assert "empty" in str(rejected(b"  \n"))
    assert "no recommendations below the header" in str(rejected(PLAIN_HEADER.encode()))


def test_binary_file_is_rejected():
    assert "binary" in str(rejected(b"number,text\x00\x01\x02\n"))


def test_reading_a_file_by_path_detects_the_format(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text(PLAIN_HEADER + PLAIN_ROWS, encoding="utf-8")
    assert len(read_recommendations(path, cycle=3)) == 2
    with pytest.raises(ImportRejected, match="not the official format"):
        read_official_csv(path)
