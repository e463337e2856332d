-- faultline: the business schema of seed 001 (Aurora business-scenario failover test) and the
-- payments table of seed 000 (payment service fault tolerance).
--
-- Idempotent: the lab database runs it on first start, and faultline's `setupSchema` activity runs
-- it again against any target before an experiment. Seed data is written only into empty tables;
-- `SELECT faultline_reseed();` restores the initial data set.

-- 1. Users (business_users)
CREATE TABLE IF NOT EXISTS business_users (
    id SERIAL PRIMARY KEY,
    username VARCHAR(50) UNIQUE NOT NULL,
    email VARCHAR(100) NOT NULL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    last_login TIMESTAMP,
    login_count INTEGER DEFAULT 0,
    status VARCHAR(20) DEFAULT 'active'
);

-- 2. Orders (business_orders)
CREATE TABLE IF NOT EXISTS business_orders (
    id SERIAL PRIMARY KEY,
    user_id INTEGER REFERENCES business_users(id),
    order_number VARCHAR(50) UNIQUE NOT NULL,
    amount DECIMAL(10,2) NOT NULL,
    status VARCHAR(20) DEFAULT 'pending',
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

-- 3. Products (business_products)
CREATE TABLE IF NOT EXISTS business_products (
    id SERIAL PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    price DECIMAL(10,2) NOT NULL,
    stock INTEGER DEFAULT 0,
    category VARCHAR(50),
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

-- 4. Operation log (business_logs)
CREATE TABLE IF NOT EXISTS business_logs (
    id SERIAL PRIMARY KEY,
    user_id INTEGER,
    action VARCHAR(50) NOT NULL,
    details TEXT,
    ip_address INET,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

-- Payments of the payment service (seed 000). order_id is the idempotency key.
CREATE TABLE IF NOT EXISTS payments (
    id BIGSERIAL PRIMARY KEY,
    order_id VARCHAR(64) UNIQUE NOT NULL,
    amount NUMERIC(12,2) NOT NULL CHECK (amount > 0),
    status VARCHAR(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    confirmed_at TIMESTAMPTZ
);

-- Indexes for the seed's queries.
-- read 1, active users by last login
CREATE INDEX IF NOT EXISTS business_users_active_last_login_idx
    ON business_users (last_login DESC NULLS LAST) WHERE status = 'active';
-- read 2, order statistics of the last 7 days
CREATE INDEX IF NOT EXISTS business_orders_created_at_idx ON business_orders (created_at);
-- read 4, a user's latest orders
CREATE INDEX IF NOT EXISTS business_orders_user_created_idx ON business_orders (user_id, created_at DESC);
-- read 3, product search by category, in stock, by price
CREATE INDEX IF NOT EXISTS business_products_category_price_idx ON business_products (category, price);
-- read 5, last hour's logs
CREATE INDEX IF NOT EXISTS business_logs_created_at_idx ON business_logs (created_at DESC);

-- Seed data: 1,000 users, 200 products in 8 categories, 5,000 orders over 30 days, 2,000 logs over
-- the last 2 hours. Deterministic (setseed) so runs are comparable.
CREATE OR REPLACE FUNCTION faultline_seed() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM business_users) THEN
        RETURN;
    END IF;
    PERFORM setseed(0.42);

    INSERT INTO business_users (username, email, created_at, last_login, login_count, status)
    SELECT format('user_%s', lpad(g::text, 5, '0')),
           format('user_%s@example.com', lpad(g::text, 5, '0')),
           now() - (random() * interval '365 days'),
           CASE WHEN random() < 0.9 THEN now() - (random() * interval '30 days') END,
           (random() * 200)::int,
           CASE WHEN random() < 0.9 THEN 'active' ELSE 'inactive' END
    FROM generate_series(1, 1000) AS g;

    INSERT INTO business_products (name, price, stock, category, created_at)
    SELECT format('%s item %s', c.category, g),
           round((5 + random() * 495)::numeric, 2),
           CASE WHEN random() < 0.05 THEN 0 ELSE 1000 + (random() * 9000)::int END,
           c.category,
           now() - (random() * interval '180 days')
    FROM generate_series(1, 25) AS g
    CROSS JOIN unnest(ARRAY['electronics', 'books', 'clothing', 'home',
                            'sports', 'toys', 'grocery', 'beauty']) AS c(category);

    INSERT INTO business_orders (user_id, order_number, amount, status, created_at, updated_at)
    SELECT u.id, format('ORD-SEED-%s', lpad(g::text, 6, '0')), u.amount, u.status, u.created_at, u.created_at
    FROM (
        SELECT g,
               1 + (random() * 999)::int AS id,
               round((10 + random() * 990)::numeric, 2) AS amount,
               (ARRAY['pending', 'confirmed', 'shipped', 'cancelled'])[1 + (random() * 3)::int] AS status,
               now() - (random() * interval '30 days') AS created_at
        FROM generate_series(1, 5000) AS g
    ) AS u;

    INSERT INTO business_logs (user_id, action, details, ip_address, created_at)
    SELECT 1 + (random() * 999)::int,
           (ARRAY['login', 'view_product', 'add_to_cart', 'purchase', 'logout'])[1 + (random() * 4)::int],
           'seeded activity',
           ('10.0.' || (random() * 255)::int || '.' || (random() * 255)::int)::inet,
           now() - (random() * interval '2 hours')
    FROM generate_series(1, 2000) AS g;
END;
$$;

-- Back to the initial data set (for benchmarks that need a freshly seeded database).
CREATE OR REPLACE FUNCTION faultline_reseed() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE business_logs, business_orders, business_products, business_users RESTART IDENTITY CASCADE;
    PERFORM faultline_seed();
END;
$$;

SELECT faultline_seed();
ANALYZE business_users, business_orders, business_products, business_logs;
