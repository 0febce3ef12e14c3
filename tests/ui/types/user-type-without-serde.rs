use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

diesel::table! {
    article (id) {
        id -> Integer,
        title -> Text,
    }
}

/// Diesel can read and write it, but it has no serde form.
#[derive(Debug)]
struct Title(String);

impl<DB: Backend> ToSql<Text, DB> for Title
where
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        self.0.as_str().to_sql(out)
    }
}

impl<DB: Backend> FromSql<Text, DB> for Title
where
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        String::from_sql(bytes).map(Title)
    }
}

#[derive(restless::JsonApiResource)]
#[diesel(table_name = article)]
struct Article {
    id: i32,
    title: Title,
}
fn main() {}
