-- Shop schema for PostgreSQL: native uuid keys, an enum type, JSON and bytea.
CREATE TYPE order_status AS ENUM ('open', 'paid', 'shipped');

CREATE TABLE customer (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    tier TEXT NOT NULL CHECK (tier IN ('free', 'pro', 'enterprise')),
    settings JSON,
    avatar BYTEA,
    signed_up_at TIMESTAMP NOT NULL
);

CREATE TABLE product (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    price NUMERIC(10, 2) NOT NULL,
    weight_grams INTEGER
);

CREATE TABLE "order" (
    id SERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customer (id),
    status order_status NOT NULL,
    placed_at TIMESTAMP NOT NULL
);

CREATE TABLE order_product (
    order_id INTEGER NOT NULL REFERENCES "order" (id),
    product_id UUID NOT NULL REFERENCES product (id),
    PRIMARY KEY (order_id, product_id)
);
