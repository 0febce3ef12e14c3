//! Every attribute together, on models that also derive Diesel's traits.

diesel::table! {
    person (id) {
        id -> Integer,
        name -> Text,
        born -> Nullable<Date>,
    }
}

diesel::table! {
    article (id) {
        id -> Integer,
        title -> Text,
        secret -> Text,
        author_id -> Nullable<Integer>,
    }
}

diesel::table! {
    tags (code) {
        code -> Text,
        label -> Text,
    }
}

#[derive(diesel::Queryable, restless::JsonApiResource)]
#[diesel(table_name = person)]
struct Person {
    id: i32,
    name: String,
    #[jsonapi(rename = "birthday")]
    born: Option<chrono::NaiveDate>,
}

#[derive(diesel::Queryable, restless::JsonApiResource)]
#[diesel(table_name = article)]
#[jsonapi(type = "post")]
struct Article {
    id: i32,
    title: String,
    #[jsonapi(skip)]
    secret: String,
    #[jsonapi(to_one = "author", target = Person)]
    author_id: Option<i32>,
}

#[derive(restless::JsonApiResource)]
#[jsonapi(table = tags, type = "tag", primary_key = "code")]
struct Tag {
    code: String,
    #[jsonapi(db_default)]
    label: String,
}

fn main() {
    use restless::JsonApiResource;
    assert_eq!(Article::META.type_name, "post");
    // The skipped field comes last, as a column only scopes and deserialization hooks name.
    assert_eq!(Article::META.fields.len(), 4);
    assert_eq!(Article::META.fields[3].name, "secret");
    assert_eq!(
        Article::META.fields[3].role,
        restless::core::FieldRole::Skipped
    );
    assert_eq!(Article::META.fields[2].name, "author_id");
    assert_eq!(Person::META.fields[2].name, "birthday");
    assert_eq!(Tag::META.key().name, "code");
    assert!(Tag::META.fields[1].has_default);
    assert_eq!((Article::META.relationships[0].target)().type_name, "person");
}
