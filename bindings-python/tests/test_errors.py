"""Error mapping: exact classes, stable codes, fields, messages naming column and row."""

import numpy as np
import pandas as pd
import pytest

import segcore


def tx(**over):
    d = {
        "customer_id": np.array([1, 1, 2, 3]),
        "timestamp": np.array(["2024-01-01", "2024-01-05", "2024-01-02", "2024-01-03"], dtype="datetime64[D]"),
        "amount": np.array([10.0, 20.0, 5.0, 7.5]),
    }
    d.update(over)
    return d


@pytest.mark.parametrize(
    "cls, code, builtin",
    [
        (segcore.InvalidValueError, "INVALID_VALUE", ValueError),
        (segcore.LengthMismatchError, "LENGTH_MISMATCH", ValueError),
        (segcore.EmptyInputError, "EMPTY_INPUT", ValueError),
        (segcore.CsvError, "CSV_ERROR", ValueError),
        (segcore.SegcoreIOError, "IO_ERROR", OSError),
        (segcore.InvalidParameterError, "INVALID_PARAMETER", ValueError),
        (segcore.ShapeError, "SHAPE_MISMATCH", ValueError),
        (segcore.ConvergenceError, "NOT_CONVERGED", RuntimeError),
        (segcore.NumericalError, "NUMERICAL_ERROR", ArithmeticError),
        (segcore.UnitMismatchError, "UNIT_MISMATCH", ValueError),
        (segcore.ModelFileError, "MODEL_FILE", ValueError),
        (segcore.UnknownCustomerError, "UNKNOWN_CUSTOMER", KeyError),
        (segcore.ModelVersionError, "MODEL_VERSION", ValueError),
        (segcore.CancelledError, "CANCELLED", RuntimeError),
    ],
)
def test_hierarchy_and_codes(cls, code, builtin):
    assert issubclass(cls, segcore.SegcoreError)
    assert issubclass(cls, builtin)
    assert cls.code == code
    assert cls.__module__ == "segcore"
    assert segcore.SegcoreError.code is None


def test_nan_amount_names_user_column_and_row():
    df = pd.DataFrame(tx(amount=np.array([10.0, 20.0, 5.0, np.nan]))).rename(columns={"amount": "revenue"})
    with pytest.raises(segcore.InvalidValueError) as ei:
        segcore.logs(df, amount="revenue")
    e = ei.value
    assert type(e) is segcore.InvalidValueError
    assert str(e) == "column `revenue`, row 3: NaN is not a valid value"
    assert (e.code, e.column, e.row, e.reason) == ("INVALID_VALUE", "revenue", 3, "NaN is not a valid value")


def test_unparseable_time_row_and_text():
    d = tx(timestamp=["2024-01-01", "2024-01-05", "2024-13-02", "2024-01-03"])
    with pytest.raises(ValueError, match=r"^column `timestamp`, row 2: unparseable time `2024-13-02`$") as ei:
        segcore.logs(d)
    assert ei.value.code == "INVALID_VALUE" and ei.value.row == 2


def test_missing_values_in_ids_and_times():
    df = pd.DataFrame({"cust": ["a", None, "b"], "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", None]), "amount": [1.0, 2.0, 3.0]})
    with pytest.raises(segcore.InvalidValueError) as ei:
        segcore.logs(df, customer_id="cust")
    assert (ei.value.column, ei.value.row, ei.value.reason) == ("cust", 1, "missing customer id")
    df.loc[1, "cust"] = "c"
    with pytest.raises(segcore.InvalidValueError) as ei:
        segcore.logs(df, customer_id="cust")
    assert (ei.value.column, ei.value.row, ei.value.reason) == ("timestamp", 2, "missing timestamp")


def test_missing_column_is_a_parameter_error():
    with pytest.raises(segcore.InvalidParameterError) as ei:
        segcore.logs(tx(), amount="price")
    assert ei.value.name == "amount"
    assert "column `price` not found in transactions" in str(ei.value)
    assert ei.value.code == "INVALID_PARAMETER"


def test_length_mismatch_and_empty():
    with pytest.raises(segcore.LengthMismatchError) as ei:
        segcore.logs(tx(amount=np.array([1.0, 2.0, 3.0])))
    assert (ei.value.column, ei.value.expected, ei.value.found) == ("amount", 4, 3)
    assert str(ei.value) == "column `amount` has 3 rows, expected 4"
    empty = {"customer_id": np.array([], dtype=np.int64), "timestamp": np.array([], dtype="datetime64[s]"), "amount": np.array([])}
    with pytest.raises(segcore.EmptyInputError, match="^transactions is empty$"):
        segcore.logs(empty)


def test_event_errors_name_the_log():
    ev = pd.DataFrame({"customer_id": [1, 2], "timestamp": ["2024-01-01", "yesterday"], "type": ["page_view", "search"]})
    with pytest.raises(segcore.InvalidValueError) as ei:
        segcore.logs(tx(), events=ev, event_kind="type")
    assert ei.value.column == "events.timestamp" and ei.value.row == 1
    fb = pd.DataFrame({"customer_id": [1], "timestamp": ["2024-01-01"], "rating": [7.0]})
    with pytest.raises(segcore.InvalidValueError) as ei:
        segcore.logs(tx(), feedback=fb, feedback_score="rating", feedback_scale="csat")
    assert ei.value.column == "feedback.rating" and ei.value.row == 0
    assert "outside the csat range" in ei.value.reason


def test_bad_parameters():
    with pytest.raises(segcore.InvalidParameterError) as ei:
        segcore.features(tx(), families=["purchase", "astrology"])
    assert ei.value.name == "families"
    with pytest.raises(segcore.InvalidParameterError) as ei:
        segcore.features(tx(), top_n=0)
    assert ei.value.name == "top_n"
    with pytest.raises(segcore.InvalidParameterError) as ei:
        segcore.features(tx(), as_of="not a date")
    assert ei.value.name == "as_of"
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        segcore.features(tx(), colour="red")


def test_unsupported_input_type():
    with pytest.raises(TypeError, match="expected a pandas DataFrame"):
        segcore.logs([1, 2, 3])


def test_unknown_customer_error_message_is_plain():
    e = segcore.UnknownCustomerError("unknown customer id `x`")
    assert str(e) == "unknown customer id `x`"
    assert isinstance(e, KeyError)


def test_model_file_of_another_version_is_refused_with_both_versions():
    text = segcore.KMeans(n_clusters=2).fit(np.array([[0.0], [1.0], [5.0], [6.0]])).to_json()
    newer = text.replace('"version":1', '"version":7', 1)
    assert newer != text
    with pytest.raises(segcore.ModelVersionError) as ei:
        segcore.loads(newer)
    assert (ei.value.found, ei.value.supported) == (7, 1)
    assert str(ei.value) == "model file version 7 is not supported (this build reads version 1)"
