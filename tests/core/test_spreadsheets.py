"""The one guard against spreadsheet formulas in exported cells (core.spreadsheets), used by every export."""

import csv
import io

import openpyxl
import pytest

from core.spreadsheets import csv_chunks, spreadsheet_safe, xlsx_file


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("x")',
        "+1",
        "-1+1",
        "@SUM(1)",
        '＝HYPERLINK("x")',  # the full-width signs a Chinese input method types
        "＋1",
        "－1",
        "＠SUM(1)",
        "﹦1",  # other compatibility forms that normalise to a sign
        "﹢1",
        "\t=1",
        "\r=1",
        "\n=1",
        "\tplain",  # a leading tab or carriage return on its own
        "\rplain",
        " =1",  # blanks a spreadsheet skips before the sign
        "\u3000＝1",
        "\u200b=1",
        "\ufeff=1",
    ],
)
def test_a_cell_that_would_start_a_formula_is_kept_as_text(value):
    assert spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["杭州", "罚〔2026〕1号", "0.05", "a=b", "２０２６", " 杭州", "", "'已转义", "−1"])
def test_ordinary_text_and_other_values_are_left_alone(value):
    assert spreadsheet_safe(value) == value


@pytest.mark.parametrize("value", [None, 12, 0.5])
def test_values_that_are_not_text_are_left_alone(value):
    assert spreadsheet_safe(value) is value


def test_csv_rows_and_the_header_go_through_the_guard():
    lines = "".join(csv_chunks(["A", "＝B"], [['=HYPERLINK("x")', "杭州"], ["＠SUM(1)", "-1+1"]]))
    assert list(csv.reader(io.StringIO(lines.lstrip("\ufeff")))) == [
        ["A", "'＝B"],
        ['\'=HYPERLINK("x")', "杭州"],
        ["'＠SUM(1)", "'-1+1"],
    ]


def test_xlsx_keeps_formula_like_text_as_text_and_drops_illegal_characters():
    handle = xlsx_file(["A"], [["=1+1"], ["bell\x07"], ["＝1+1"]])
    sheet = openpyxl.load_workbook(handle).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["=1+1", "bell", "＝1+1"]
    assert sheet["A2"].data_type == "s"
