//! `eval_functions` (catalog N2): the function list of function evaluation.

use serde_json::Value;

use super::Param;
use crate::error::{Error, ErrorCode};
use crate::meta::{FieldMeta, ValueKind};
use crate::schema::Schema;

/// An aggregate function (N2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Func {
    Count,
    Sum,
    Avg,
    Min,
    Max,
}

/// One requested function on one field.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Function {
    pub(crate) func: Func,
    pub(crate) field: &'static FieldMeta,
}

fn numeric(kind: ValueKind) -> bool {
    matches!(
        kind,
        ValueKind::SmallInt
            | ValueKind::Integer
            | ValueKind::BigInt
            | ValueKind::Float
            | ValueKind::Double
            | ValueKind::Numeric { .. }
    )
}

fn kind_word(kind: ValueKind) -> &'static str {
    match kind.base() {
        ValueKind::Text => "text",
        ValueKind::Bool => "boolean",
        ValueKind::Date => "a date",
        ValueKind::Time => "a time",
        ValueKind::Timestamp | ValueKind::TimestampTz => "a timestamp",
        ValueKind::Uuid => "a UUID",
        ValueKind::Interval => "an interval",
        ValueKind::Enum => "an enum",
        ValueKind::Binary => "binary",
        ValueKind::Json | ValueKind::Jsonb => "JSON",
        _ => "a number",
    }
}

/// Parses the function list for type `t` (N2.1, N2.2); `max` is the manager's `max_functions`.
pub(crate) fn parse(
    schema: &Schema,
    t: usize,
    param: Option<&Param>,
    max: usize,
) -> Result<Vec<Function>, Error> {
    let Some(param) = param else {
        return Err(Error::bad_query(
            ErrorCode::InvalidFunctions,
            "eval_functions",
            "The eval_functions query parameter is required.",
        ));
    };
    let fail = |detail: String| Error::bad_query(ErrorCode::InvalidFunctions, &param.name, detail);
    let parsed: Value = serde_json::from_str(&param.value)
        .map_err(|_| fail(format!("{} is not valid JSON.", param.name)))?;
    let Value::Array(items) = parsed else {
        return Err(fail(format!(
            "{} must be a JSON array of function objects.",
            param.name
        )));
    };
    if items.len() > max {
        return Err(fail(format!("At most {max} functions per request.")));
    }
    let meta = schema.meta(t);
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let at = |detail: String| fail(format!("Function at [{i}]: {detail}"));
            let Some(obj) = item.as_object() else {
                return Err(at("expected a JSON object.".into()));
            };
            if let Some(k) = obj.keys().find(|k| *k != "name" && *k != "field") {
                return Err(at(format!("unknown member \"{k}\".")));
            }
            let name = obj
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| at("missing \"name\".".into()))?;
            let field_name = obj
                .get("field")
                .and_then(Value::as_str)
                .ok_or_else(|| at("missing \"field\".".into()))?;
            let func = match name {
                "count" => Func::Count,
                "sum" => Func::Sum,
                "avg" => Func::Avg,
                "min" => Func::Min,
                "max" => Func::Max,
                other => {
                    return Err(at(format!(
                        "unknown function \"{other}\"; expected one of count, sum, avg, min, max."
                    )))
                }
            };
            let field = if field_name == "id" {
                Some(meta.key())
            } else {
                schema.attribute(t, field_name).map(|i| &meta.fields[i])
            };
            let field = field.ok_or_else(|| {
                at(format!(
                    "type \"{}\" has no field \"{field_name}\".",
                    meta.type_name
                ))
            })?;
            match func {
                Func::Sum | Func::Avg if !numeric(field.kind().base()) => Err(at(format!(
                    "\"{name}\" needs a numeric field; \"{field_name}\" is {}.",
                    kind_word(field.kind())
                ))),
                Func::Min | Func::Max
                    if matches!(
                        field.kind().base(),
                        ValueKind::Bool | ValueKind::Uuid | ValueKind::Enum
                    ) =>
                {
                    Err(at(format!(
                        "\"{name}\" needs an ordered field; \"{field_name}\" is {}.",
                        kind_word(field.kind())
                    )))
                }
                _ => Ok(Function { func, field }),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::sort::tests::schema;

    fn detail(value: &str) -> String {
        let p = Param {
            name: "eval_functions".into(),
            value: value.into(),
        };
        parse(&schema(), 0, Some(&p), 32).unwrap_err().to_string()
    }

    #[test]
    fn errors_n2_2() {
        assert_eq!(
            parse(&schema(), 0, None, 32).unwrap_err().to_string(),
            "The eval_functions query parameter is required."
        );
        assert_eq!(detail(""), "eval_functions is not valid JSON.");
        assert_eq!(
            detail("{}"),
            "eval_functions must be a JSON array of function objects."
        );
        assert_eq!(detail("[1]"), "Function at [0]: expected a JSON object.");
        assert_eq!(
            detail(r#"[{"field":"age"}]"#),
            "Function at [0]: missing \"name\"."
        );
        assert_eq!(
            detail(r#"[{"name":"sum"}]"#),
            "Function at [0]: missing \"field\"."
        );
        assert_eq!(
            detail(r#"[{"name":"sum","fields":"age"}]"#),
            "Function at [0]: unknown member \"fields\"."
        );
        assert_eq!(detail(r#"[{"name":"bogus","field":"age"}]"#), "Function at [0]: unknown function \"bogus\"; expected one of count, sum, avg, min, max.");
        assert_eq!(
            detail(r#"[{"name":"sum","field":"bogus"}]"#),
            "Function at [0]: type \"person\" has no field \"bogus\"."
        );
        assert_eq!(
            detail(r#"[{"name":"sum","field":"name"}]"#),
            "Function at [0]: \"sum\" needs a numeric field; \"name\" is text."
        );
        let many = vec![r#"{"name":"count","field":"id"}"#; 33].join(",");
        assert_eq!(
            detail(&format!("[{many}]")),
            "At most 32 functions per request."
        );
    }
}
