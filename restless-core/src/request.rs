//! Request documents (catalog O, P, R): their structure, checked step by step in the catalog's
//! order, and typed attribute values (G3–G6), all before any SQL runs.

use serde_json::{Map, Value};

use crate::error::{Error, ErrorCode, Problem};
use crate::meta::{FieldMeta, FieldRole, ValueKind};
use crate::query::filter::{expects, Marker, Operand};
use crate::schema::Schema;
use crate::temporal::Literal;
use crate::value::{decode_base64, parse_decimal, with_scale, SqlValue, UserValue};
use bigdecimal::BigDecimal;

/// Escapes a member name for a JSON pointer (RFC 6901, S1.3).
pub(crate) fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// Pointer order for collected errors (O2.1): segment by segment, array indices numerically.
pub(crate) fn pointer_order(a: Option<&str>, b: Option<&str>) -> std::cmp::Ordering {
    let key = |p: Option<&str>| -> Vec<(u8, u64, String)> {
        p.unwrap_or_default()
            .split('/')
            .map(|seg| match seg.parse::<u64>() {
                Ok(n) if !seg.is_empty() && seg.bytes().all(|c| c.is_ascii_digit()) => {
                    (0, n, String::new())
                }
                _ => (1, 0, seg.to_owned()),
            })
            .collect()
    };
    key(a).cmp(&key(b))
}

fn invalid(pointer: &str, detail: impl Into<String>) -> Error {
    Error::problem(ErrorCode::InvalidDocument, pointer, detail)
}

/// Steps 1–3 of O2.1: the body is a JSON object.
pub(crate) fn parse_body(body: &[u8]) -> Result<Map<String, Value>, Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Document(vec![Problem {
            code: ErrorCode::MissingBody,
            pointer: None,
            detail: "The request body must contain a JSON:API document.".into(),
        }]));
    }
    let not_json = |why: String| {
        Error::Document(vec![Problem {
            code: ErrorCode::InvalidJson,
            pointer: None,
            detail: format!("The request body is not valid JSON: {why}."),
        }])
    };
    if body.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err(not_json("it starts with a byte-order mark".into()));
    }
    let text = std::str::from_utf8(body).map_err(|_| not_json("it is not UTF-8".into()))?;
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(invalid("", "The request document must be a JSON object.")),
        Err(e) => Err(not_json(format!("line {} column {}", e.line(), e.column()))),
    }
}

/// The structure of `data` in a resource document (O2.1 steps 5–8).
pub(crate) struct RawResource<'a> {
    pub(crate) type_name: &'a str,
    pub(crate) id: Option<&'a str>,
    pub(crate) attributes: Option<&'a Map<String, Value>>,
    pub(crate) relationships: Option<&'a Map<String, Value>>,
}

/// O2.1 steps 5–8 (and P2.1 step 3 with `id_required`).
pub(crate) fn raw_resource(
    doc: &Map<String, Value>,
    id_required: bool,
) -> Result<RawResource<'_>, Error> {
    let data = match doc.get("data") {
        None => return Err(invalid("", "The document has no \"data\" member.")),
        Some(Value::Array(_)) => {
            return Err(invalid(
                "/data",
                "\"data\" must be a single resource object; bulk creation is not supported.",
            ))
        }
        Some(Value::Object(data)) => data,
        Some(_) => return Err(invalid("/data", "\"data\" must be a resource object.")),
    };
    let type_name = match data.get("type") {
        None => {
            return Err(invalid(
                "/data",
                "The resource object has no \"type\" member.",
            ))
        }
        Some(Value::String(t)) => t.as_str(),
        Some(_) => return Err(invalid("/data/type", "\"type\" must be a string.")),
    };
    let id = match data.get("id") {
        None if id_required => {
            return Err(invalid(
                "/data",
                "The resource object has no \"id\" member.",
            ))
        }
        None => None,
        Some(Value::String(id)) => Some(id.as_str()),
        Some(_) => return Err(invalid("/data/id", "\"id\" must be a string.")),
    };
    let object = |name: &str| match data.get(name) {
        None => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(invalid(
            &format!("/data/{name}"),
            format!("\"{name}\" must be an object."),
        )),
    };
    Ok(RawResource {
        type_name,
        id,
        attributes: object("attributes")?,
        relationships: object("relationships")?,
    })
}

/// The type check of O2.1 step 9, P2.1 step 4 and O5.4: 409 `type_conflict`.
pub(crate) fn check_type(expected: &str, got: &str, pointer: &str) -> Result<(), Error> {
    if expected == got {
        Ok(())
    } else {
        Err(Error::problem(
            ErrorCode::TypeConflict,
            pointer,
            format!("Expected type \"{expected}\"; got \"{got}\"."),
        ))
    }
}

/// A resource identifier in a request (O5.3), type already checked.
#[derive(Clone, Debug)]
pub(crate) struct Ident {
    pub(crate) id: String,
    pub(crate) pointer: String,
}

/// The linkage sent for one relationship.
#[derive(Clone, Debug)]
pub(crate) enum Linkage {
    One(Option<Ident>),
    Many(Vec<Ident>),
}

/// A relationship sent in a resource document.
#[derive(Clone, Debug)]
pub(crate) struct RelInput {
    pub(crate) r: usize,
    pub(crate) linkage: Linkage,
    pub(crate) pointer: String,
}

/// The typed content of a resource document.
#[derive(Clone, Debug, Default)]
pub(crate) struct ResourceInput {
    /// `(index into the type's fields, value)`.
    pub(crate) attributes: Vec<(usize, Operand)>,
    pub(crate) relationships: Vec<RelInput>,
}

impl ResourceInput {
    pub(crate) fn has_markers(&self) -> bool {
        self.attributes
            .iter()
            .any(|(_, o)| matches!(o, Operand::Marker(..)))
    }
}

/// Why a value does not fit (G6.1).
fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A request value for a column of `field` (G1.1, G3, G4, G5.2, G6): strict, no coercion.
pub(crate) fn attribute_value(field: &FieldMeta, v: &Value) -> Result<Operand, String> {
    let kind = field.kind();
    let temporal = matches!(
        kind,
        ValueKind::Date | ValueKind::Time | ValueKind::Timestamp | ValueKind::TimestampTz
    );
    // An empty string means null for dates, times and intervals (G3.3).
    let blank = matches!(v, Value::String(s) if s.trim().is_empty())
        && (temporal || kind == ValueKind::Interval);
    if v.is_null() || blank {
        return if field.nullable {
            Ok(Operand::Value(SqlValue::Null))
        } else {
            Err("must not be null".into())
        };
    }
    let wrong = || format!("expects {}; got {}", expects(kind), json_type(v));
    let int = |min: i64, max: i64| match v.as_i64() {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        // A whole number the column cannot hold says so, rather than "got a number".
        _ if v.is_i64() || v.is_u64() => {
            Err(format!("expects an integer from {min} to {max}; got {v}"))
        }
        _ => Err(wrong()),
    };
    let value = match kind {
        // A user type takes its serde form (G1.3).
        ValueKind::User(codec) => {
            let value = codec
                .from_json(v)
                .map_err(|_| format!("expects {}; got {v}", expects(kind)))?;
            SqlValue::User(UserValue { value, codec })
        }
        ValueKind::Numeric { precision, scale } => {
            let d = match v {
                Value::Number(n) => parse_decimal(&n.to_string()),
                Value::String(s) => parse_decimal(s),
                _ => None,
            };
            let d = d.ok_or_else(|| format!("expects {}; got {v}", expects(kind)))?;
            SqlValue::Numeric(
                fit_decimal(d, precision, scale)
                    .map_err(|fits| format!("expects a decimal number {fits}; got {v}"))?,
            )
        }
        ValueKind::Binary => {
            let s = v.as_str().ok_or_else(wrong)?;
            SqlValue::Binary(
                decode_base64(s)
                    .ok_or_else(|| format!("expects {}; got \"{s}\"", expects(kind)))?,
            )
        }
        #[cfg(feature = "postgres")]
        ValueKind::Inet | ValueKind::Cidr => {
            let s = v.as_str().ok_or_else(wrong)?;
            crate::value::parse_network(s, kind == ValueKind::Cidr)
                .ok_or_else(|| format!("expects {}; got \"{s}\"", expects(kind)))?
        }
        ValueKind::Json | ValueKind::Jsonb => {
            if let Some(name) = reserved_member(v) {
                return Err(format!("must not contain a member named \"{name}\""));
            }
            if kind == ValueKind::Json {
                SqlValue::Json(v.clone())
            } else {
                SqlValue::Jsonb(v.clone())
            }
        }
        ValueKind::SmallInt => SqlValue::SmallInt(int(i16::MIN.into(), i16::MAX.into())? as i16),
        ValueKind::Integer => SqlValue::Integer(int(i32::MIN.into(), i32::MAX.into())? as i32),
        ValueKind::BigInt => SqlValue::BigInt(int(i64::MIN, i64::MAX)?),
        ValueKind::Float => {
            let f = v
                .as_f64()
                .filter(|f| f.abs() <= f64::from(f32::MAX))
                .ok_or_else(wrong)?;
            SqlValue::Float(f as f32)
        }
        ValueKind::Double => SqlValue::Double(v.as_f64().ok_or_else(wrong)?),
        ValueKind::Text => {
            let s = v.as_str().ok_or_else(wrong)?;
            // PostgreSQL cannot store U+0000; refused on every backend alike (A3.3).
            if s.contains('\0') {
                return Err("must not contain the character U+0000".into());
            }
            SqlValue::Text(s.to_owned())
        }
        ValueKind::Bool => SqlValue::Bool(v.as_bool().ok_or_else(wrong)?),
        ValueKind::Uuid => {
            let s = v.as_str().ok_or_else(wrong)?;
            let u = uuid::Uuid::parse_str(s).ok().filter(|_| s.len() == 36);
            SqlValue::Uuid(u.ok_or_else(|| format!("expects {}; got \"{s}\"", expects(kind)))?)
        }
        ValueKind::Interval => {
            let secs = v.as_f64().ok_or_else(wrong)?;
            let micros = (secs * 1e6).round();
            if !micros.is_finite() || micros.abs() > 9.0e18 {
                return Err(wrong());
            }
            SqlValue::Interval {
                microseconds: micros as i64,
                days: 0,
                months: 0,
            }
        }
        _ => {
            let s = v.as_str().ok_or_else(wrong)?;
            if let Some(m) = Marker::parse(s) {
                return Ok(Operand::Marker(m, kind));
            }
            Literal::parse(s, kind == ValueKind::Time)
                .and_then(|l| l.to_value(kind))
                .ok_or_else(|| format!("expects {}; got \"{s}\"", expects(kind)))?
        }
    };
    Ok(Operand::Value(value))
}

/// The first member named `links` or `relationships` at any depth of a JSON attribute (the
/// spec reserves them inside attributes, G1.1).
fn reserved_member(v: &Value) -> Option<&'static str> {
    match v {
        Value::Object(map) => {
            for (name, inner) in map {
                if name == "links" {
                    return Some("links");
                }
                if name == "relationships" {
                    return Some("relationships");
                }
                if let Some(found) = reserved_member(inner) {
                    return Some(found);
                }
            }
            None
        }
        Value::Array(items) => items.iter().find_map(reserved_member),
        _ => None,
    }
}

/// A decimal that fits the column (G1.2): at most `scale` decimals (trailing zeros aside) and
/// at most `precision - scale` integer digits; written with exactly `scale` decimals. `Err`
/// says what fits.
fn fit_decimal(
    d: BigDecimal,
    precision: Option<u16>,
    scale: Option<u16>,
) -> Result<BigDecimal, String> {
    let normal = d.normalized();
    let (digits, exponent) = normal.as_bigint_and_exponent();
    let decimals = exponent.max(0);
    let all_digits = i64::try_from(digits.magnitude().to_string().len()).unwrap_or(i64::MAX);
    let integer_digits = if digits.magnitude().bits() == 0 {
        0
    } else {
        all_digits.saturating_sub(exponent)
    };
    let what = match (precision, scale) {
        (Some(p), Some(s)) => format!("of at most {p} digits with {s} decimals"),
        (None, Some(s)) => format!("with at most {s} decimals"),
        _ => String::from("that fits the column"),
    };
    if let Some(s) = scale {
        if decimals > i64::from(s) {
            return Err(what);
        }
        if let Some(p) = precision {
            if integer_digits > i64::from(p) - i64::from(s) {
                return Err(what);
            }
        }
    }
    Ok(with_scale(d, scale))
}

/// O2.1 steps 13–14 (P2.1 steps 8–9): the collected 400s, then the first 409 of an identifier.
pub(crate) fn resource_input(
    schema: &Schema,
    t: usize,
    raw: &RawResource<'_>,
    creating: bool,
) -> Result<ResourceInput, Error> {
    let meta = schema.meta(t);
    let mut problems: Vec<Problem> = Vec::new();
    let mut input = ResourceInput::default();
    let mut push = |code, pointer: String, detail: String| {
        problems.push(Problem {
            code,
            pointer: Some(pointer),
            detail,
        })
    };
    if let Some(attrs) = raw.attributes {
        for (name, v) in attrs {
            let pointer = format!("/data/attributes/{}", escape(name));
            if name == "id" || name == "type" {
                push(
                    ErrorCode::InvalidDocument,
                    pointer,
                    format!("\"{name}\" cannot be an attribute."),
                );
                continue;
            }
            if schema.computed_index(t, name).is_some() {
                push(
                    ErrorCode::ReadOnlyField,
                    pointer,
                    format!(
                        "Attribute \"{name}\" of type \"{}\" is read-only.",
                        meta.type_name
                    ),
                );
                continue;
            }
            let Some(i) = schema.attribute(t, name) else {
                push(
                    ErrorCode::UnknownField,
                    pointer,
                    format!("Type \"{}\" has no attribute \"{name}\".", meta.type_name),
                );
                continue;
            };
            match attribute_value(&meta.fields[i], v) {
                Ok(value) => input.attributes.push((i, value)),
                Err(why) => push(
                    ErrorCode::InvalidAttributeValue,
                    pointer,
                    format!("Attribute \"{name}\" of type \"{}\" {why}.", meta.type_name),
                ),
            }
        }
    }
    if creating {
        let sent = |f: &FieldMeta| raw.attributes.is_some_and(|a| a.contains_key(f.name));
        let visible = meta
            .fields
            .iter()
            .enumerate()
            .filter(|(i, f)| f.role == FieldRole::Attribute && schema.visible_field(t, *i));
        for (_, f) in visible {
            if !f.nullable && !f.has_default && !sent(f) {
                let pointer = if raw.attributes.is_some() {
                    "/data/attributes"
                } else {
                    "/data"
                };
                push(
                    ErrorCode::MissingAttribute,
                    pointer.into(),
                    format!(
                        "Attribute \"{}\" is required to create a \"{}\".",
                        f.name, meta.type_name
                    ),
                );
            }
        }
    }
    let mut conflicts: Vec<Problem> = Vec::new();
    if let Some(rels) = raw.relationships {
        for (name, v) in rels {
            let pointer = format!("/data/relationships/{}", escape(name));
            let Some(r) = schema.rel_index(t, name) else {
                push(
                    ErrorCode::UnknownField,
                    pointer,
                    format!(
                        "Type \"{}\" has no relationship \"{name}\".",
                        meta.type_name
                    ),
                );
                continue;
            };
            let rel = *schema.rel(t, r);
            let data = match v {
                Value::Object(o) if o.contains_key("data") => &o["data"],
                _ => {
                    push(
                        ErrorCode::InvalidDocument,
                        pointer,
                        format!(
                            "Relationship \"{name}\" must be an object with a \"data\" member."
                        ),
                    );
                    continue;
                }
            };
            let target = schema.meta(rel.target).type_name;
            match linkage(
                name,
                rel.is_to_many(),
                target,
                data,
                &format!("{pointer}/data"),
                !creating,
            ) {
                Ok((linkage, mut types)) => {
                    conflicts.append(&mut types);
                    input.relationships.push(RelInput {
                        r,
                        linkage,
                        pointer,
                    });
                }
                Err(ps) => {
                    for p in ps {
                        push(p.code, p.pointer.unwrap_or_default(), p.detail);
                    }
                }
            }
        }
    }
    if !problems.is_empty() {
        problems.sort_by(|a, b| pointer_order(a.pointer.as_deref(), b.pointer.as_deref()));
        return Err(Error::Document(problems));
    }
    if !conflicts.is_empty() {
        conflicts.sort_by(|a, b| pointer_order(a.pointer.as_deref(), b.pointer.as_deref()));
        conflicts.truncate(1);
        return Err(Error::Document(conflicts));
    }
    Ok(input)
}

/// The linkage of one relationship (O5.2, O5.3): `Ok` with the type conflicts (O5.4) found, or
/// the structural problems.
pub(crate) fn linkage(
    name: &str,
    to_many: bool,
    target: &str,
    data: &Value,
    pointer: &str,
    replacing: bool,
) -> Result<(Linkage, Vec<Problem>), Vec<Problem>> {
    let problem = |pointer: &str, detail: String| Problem {
        code: ErrorCode::InvalidDocument,
        pointer: Some(pointer.into()),
        detail,
    };
    let mut conflicts = Vec::new();
    let mut problems = Vec::new();
    let mut ident = |v: &Value, pointer: String| -> Option<Ident> {
        let Value::Object(o) = v else {
            problems.push(problem(
                &pointer,
                "The resource identifier must be an object.".into(),
            ));
            return None;
        };
        let t = match o.get("type") {
            None => {
                problems.push(problem(
                    &pointer,
                    "The resource identifier has no \"type\" member.".into(),
                ));
                return None;
            }
            Some(Value::String(t)) => t,
            Some(_) => {
                problems.push(problem(
                    &format!("{pointer}/type"),
                    "\"type\" must be a string.".into(),
                ));
                return None;
            }
        };
        let id = match o.get("id") {
            None => {
                problems.push(problem(
                    &pointer,
                    "The resource identifier has no \"id\" member.".into(),
                ));
                return None;
            }
            Some(Value::String(id)) => id,
            Some(_) => {
                problems.push(problem(
                    &format!("{pointer}/id"),
                    "\"id\" must be a string.".into(),
                ));
                return None;
            }
        };
        if t != target {
            conflicts.push(Problem {
                code: ErrorCode::TypeConflict,
                pointer: Some(format!("{pointer}/type")),
                detail: format!("Expected type \"{target}\"; got \"{t}\"."),
            });
        }
        Some(Ident {
            id: id.clone(),
            pointer,
        })
    };
    let linkage = match (to_many, data) {
        (false, Value::Null) => Linkage::One(None),
        (false, v @ Value::Object(_)) => Linkage::One(ident(v, pointer.into())),
        (false, _) => {
            return Err(vec![problem(pointer, format!("Relationship \"{name}\" is to-one; \"data\" must be a resource identifier or null."))])
        }
        (true, Value::Array(items)) => Linkage::Many(
            items.iter().enumerate().filter_map(|(i, v)| ident(v, format!("{pointer}/{i}"))).collect(),
        ),
        (true, Value::Null) => {
            let hint = if replacing { " (use [] to empty it)" } else { "" };
            return Err(vec![problem(pointer, format!("Relationship \"{name}\" is to-many; \"data\" must be an array{hint}."))])
        }
        (true, _) => return Err(vec![problem(pointer, format!("Relationship \"{name}\" is to-many; \"data\" must be an array."))]),
    };
    if problems.is_empty() {
        Ok((linkage, conflicts))
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(kind: ValueKind, nullable: bool) -> FieldMeta {
        FieldMeta {
            name: "x",
            column: "x",
            kind: crate::meta::KindOf::Fixed(kind),
            nullable,
            has_default: false,
            role: FieldRole::Attribute,
        }
    }

    #[test]
    fn values_are_strict_g6() {
        let int = field(ValueKind::Integer, true);
        assert_eq!(
            attribute_value(&int, &json!(31)),
            Ok(Operand::Value(SqlValue::Integer(31)))
        );
        assert_eq!(
            attribute_value(&int, &json!("31")),
            Err("expects an integer; got a string".into())
        );
        assert_eq!(
            attribute_value(&int, &json!(31.5)),
            Err("expects an integer; got a number".into())
        );
        assert_eq!(
            attribute_value(&int, &json!(1u64 << 40)),
            Err("expects an integer from -2147483648 to 2147483647; got 1099511627776".into())
        );
        let double = field(ValueKind::Double, true);
        assert_eq!(
            attribute_value(&double, &json!(4)),
            Ok(Operand::Value(SqlValue::Double(4.0)))
        );
        let name = field(ValueKind::Text, false);
        assert_eq!(
            attribute_value(&name, &json!(null)),
            Err("must not be null".into())
        );
        let date = field(ValueKind::Date, true);
        assert_eq!(
            attribute_value(&date, &json!("")),
            Ok(Operand::Value(SqlValue::Null))
        );
        assert_eq!(
            attribute_value(&date, &json!("2nd Jan 1900")),
            Err("expects a date (YYYY-MM-DD); got \"2nd Jan 1900\"".into())
        );
        assert!(matches!(
            attribute_value(&date, &json!("CURRENT_DATE")),
            Ok(Operand::Marker(Marker::CurrentDate, ValueKind::Date))
        ));
        let text = field(ValueKind::Text, true);
        assert_eq!(
            attribute_value(&text, &json!("CURRENT_DATE")),
            Ok(Operand::Value(SqlValue::Text("CURRENT_DATE".into())))
        );
        let interval = field(ValueKind::Interval, true);
        assert_eq!(
            attribute_value(&interval, &json!(-1.5)),
            Ok(Operand::Value(SqlValue::Interval {
                microseconds: -1_500_000,
                days: 0,
                months: 0
            }))
        );
    }

    #[test]
    fn bodies_o2_1() {
        let code = |r: Result<Map<String, Value>, Error>| match r {
            Err(Error::Document(p)) => (p[0].code, p[0].pointer.clone()),
            other => panic!("{other:?}"),
        };
        assert_eq!(code(parse_body(b"")), (ErrorCode::MissingBody, None));
        assert_eq!(
            code(parse_body(b"Invalid JSON")),
            (ErrorCode::InvalidJson, None)
        );
        assert_eq!(
            code(parse_body(b"\xEF\xBB\xBF{}")),
            (ErrorCode::InvalidJson, None)
        );
        assert_eq!(code(parse_body(b"\xFF")), (ErrorCode::InvalidJson, None));
        assert_eq!(
            code(parse_body(b"[]")),
            (ErrorCode::InvalidDocument, Some(String::new()))
        );
        assert!(parse_body(b" {\"data\": null} ").is_ok());
    }

    #[test]
    fn pointers_sort_indices_numerically() {
        let mut ps = vec![
            "/data/10",
            "/data/2",
            "/data/attributes/b",
            "/data/1/type",
            "/data/attributes/a",
        ];
        ps.sort_by(|a, b| pointer_order(Some(a), Some(b)));
        assert_eq!(
            ps,
            [
                "/data/1/type",
                "/data/2",
                "/data/10",
                "/data/attributes/a",
                "/data/attributes/b"
            ]
        );
    }

    #[test]
    fn pointers_escape_names_s1_3() {
        assert_eq!(escape("a/b~c"), "a~1b~0c");
    }
}
