-- Shop schema for SQLite: UUID keys and the order status are checked text.
CREATE TABLE customer (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    tier TEXT NOT NULL CHECK (tier IN ('free', 'pro', 'enterprise')),
    settings TEXT,
    avatar BLOB,
    signed_up_at TIMESTAMP NOT NULL
);

CREATE TABLE product (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    price NUMERIC NOT NULL,
    weight_grams INTEGER
);

CREATE TABLE "order" (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER NOT NULL REFERENCES customer (id),
    status TEXT NOT NULL CHECK (status IN ('open', 'paid', 'shipped')),
    placed_at TIMESTAMP NOT NULL
);

CREATE TABLE order_product (
    order_id INTEGER NOT NULL REFERENCES "order" (id),
    product_id TEXT NOT NULL REFERENCES product (id),
    PRIMARY KEY (order_id, product_id)
);
