"""Seed 000's payment service: a Flask app on PostgreSQL, a test subject faultline did not write.

The seed ("Flask服务容错性测试") promises that while its database is away the service keeps serving
(the health check answers 503 within DB_CONNECT_TIMEOUT), a payment is retried
PAYMENT_RETRY_ATTEMPTS times PAYMENT_RETRY_DELAY s apart and then refused with a 503 (never a 500,
never a false 201), and the service recovers by itself when the database returns. Hence:

- it starts without its database; the table is created at the first successful connection;
- every wait on the database has a client-side deadline (a psycopg2 wait callback):
  statement_timeout is enforced by the server, and a paused or black-holed server answers nothing;
- a connection that failed is closed, never reused; an idle one is pinged before reuse, and when
  one proves dead all idle ones are dropped, so the first request after a restart succeeds;
- a payment is an insert keyed by order_id: a retry whose earlier commit did reach the server (only
  the answer was lost) finds its own row and answers 200, neither a duplicate nor a 409.

PAYMENT_ACK_BEFORE_COMMIT=true is a deliberately broken mode, for tests that must catch lost
payments: 201 at once, the insert afterwards in a thread, one attempt, so an outage loses payments
that clients were told were taken (each one is logged as lost).
PAYMENT_REFUSE_AFTER_COMMIT_EVERY=N breaks it another way: about one payment in N (by a hash of its
order id) is written and committed, then answered 503 as if refused: a partial write its caller
was told did not happen.
"""
import json
import os
import re
import select
import sys
import threading
import time
import traceback
import zlib
from datetime import datetime, timezone
from decimal import Decimal

import psycopg2
import psycopg2.errors
import psycopg2.extensions as ext
from flask import Flask, g, has_request_context, jsonify, request
from werkzeug.exceptions import BadRequest, HTTPException

DB = dict(host=os.environ.get('DB_HOST', 'db'), port=int(os.environ.get('DB_PORT', '5432')),
          dbname=os.environ.get('DB_NAME', 'payment_db'), user=os.environ.get('DB_USER', 'postgres'))
DB_PASSWORD = os.environ.get('DB_PASSWORD', 'postgres')
RETRY_ATTEMPTS = max(1, int(os.environ.get('PAYMENT_RETRY_ATTEMPTS', '3')))
RETRY_DELAY = float(os.environ.get('PAYMENT_RETRY_DELAY', '2'))
CONNECT_TIMEOUT = float(os.environ.get('DB_CONNECT_TIMEOUT', '2'))
STATEMENT_TIMEOUT_MS = int(os.environ.get('DB_STATEMENT_TIMEOUT_MS', '5000'))
AUDIT_READER = os.environ.get('DB_AUDIT_READER', '')  # a role that may read the payments (an auditor)
ACK_BEFORE_COMMIT = os.environ.get('PAYMENT_ACK_BEFORE_COMMIT', 'false').strip().lower() in ('1', 'true', 'yes', 'on')
REFUSE_AFTER_COMMIT_EVERY = int(os.environ.get('PAYMENT_REFUSE_AFTER_COMMIT_EVERY', '0'))
QUERY_BUDGET = STATEMENT_TIMEOUT_MS / 1000 + 1  # the server cancels first; this is for a silent server
MAX_IDLE = 16  # idle connections kept per worker process: as many as its threads
OUTAGES = (psycopg2.OperationalError, psycopg2.InterfaceError, psycopg2.errors.ReadOnlySqlTransaction)
RETRY_AFTER = {'Retry-After': '5'}
ORDER_ID = re.compile(r'[A-Za-z0-9_.:-]{1,64}')
SCHEMA = """
SELECT pg_advisory_xact_lock(hashtext('flask_payments'));
CREATE TABLE IF NOT EXISTS flask_payments (
  order_id text PRIMARY KEY,
  amount numeric(12,2) NOT NULL CHECK (amount > 0),
  status text NOT NULL DEFAULT 'pending',
  created_at timestamptz NOT NULL DEFAULT now(),
  confirmed_at timestamptz);
-- An auditor's read access (DB_AUDIT_READER), once that role exists (else whoever makes it grants it).
DO $$ BEGIN
  IF %(reader)s <> '' AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %(reader)s) THEN
    EXECUTE format('GRANT SELECT ON flask_payments TO %%I', %(reader)s);
  END IF;
END $$;
"""
COLUMNS = 'order_id, amount, status, created_at, confirmed_at'
SELECT_PAYMENT = f'SELECT {COLUMNS} FROM flask_payments WHERE order_id = %s'


def now_iso():
    return datetime.now(timezone.utc).isoformat(timespec='milliseconds')


def log(level, msg, **fields):
    sys.stdout.write(json.dumps({'ts': now_iso(), 'level': level, 'msg': msg, 'fields': fields}, default=str) + '\n')
    sys.stdout.flush()


def describe(err):
    return f'{type(err).__name__}: {str(err).strip()}'


# --- Database: deadlines, connections, retries ---------------------------------------------------
class Connection(ext.connection):
    budget = CONNECT_TIMEOUT  # seconds any one wait on the server may last (run() sets it per use)


def wait_with_deadline(conn):
    """psycopg2's wait callback (connect, queries, commit): each wait ends within conn.budget."""
    limit = conn.budget
    deadline = time.monotonic() + limit
    while True:
        state = conn.poll()
        if state == ext.POLL_OK:
            return
        fd, left = conn.fileno(), deadline - time.monotonic()
        wanted = ([fd], [], []) if state == ext.POLL_READ else ([], [fd], [])
        if left <= 0 or not any(select.select(*wanted, left)):
            raise psycopg2.OperationalError(f'no answer from the database within {limit:g} s')


ext.set_wait_callback(wait_with_deadline)
_schema_ready = False


def connect():
    global _schema_ready
    conn = psycopg2.connect(**DB, password=DB_PASSWORD, connection_factory=Connection,
                            application_name='payments-flask', options=f'-c statement_timeout={STATEMENT_TIMEOUT_MS}')
    if not _schema_ready:
        try:
            with conn, conn.cursor() as cur:
                cur.execute(SCHEMA, {'reader': AUDIT_READER})
        except BaseException:
            conn.close()
            raise
        _schema_ready = True
        log('info', 'table ready', table='flask_payments', host=DB['host'], database=DB['dbname'])
    return conn


_idle, _idle_lock = [], threading.Lock()  # this process's idle connections, newest last


def checkout(fresh):
    """An idle connection that answers a ping, else a new one. One dead idle connection means all are."""
    while not fresh:
        with _idle_lock:
            conn = _idle.pop() if _idle else None
        if conn is None:
            break
        try:
            conn.budget = CONNECT_TIMEOUT
            with conn.cursor() as cur:
                cur.execute('SELECT 1')
            return conn
        except psycopg2.Error:
            conn.close()
            with _idle_lock:
                for dead in _idle:
                    dead.close()
                _idle.clear()
    return connect()


def checkin(conn):
    with _idle_lock:
        if conn.status == ext.STATUS_READY and len(_idle) < MAX_IDLE:
            return _idle.append(conn)
    conn.close()


class Unavailable(Exception):
    def __init__(self, attempts):
        super().__init__(f'database unavailable after {attempts} attempt(s)')
        self.attempts = attempts


def is_outage(err, conn):
    """The database is away (or read-only, or was recreated empty), as opposed to a bug in this app."""
    global _schema_ready
    if isinstance(err, psycopg2.errors.UndefinedTable):
        _schema_ready = False  # a new, empty database: create the table again on the next connection
        return True
    return isinstance(err, OUTAGES) or conn is None or bool(conn.closed)


def run(work, attempts=RETRY_ATTEMPTS, limit=QUERY_BUDGET):
    """work(cursor) in one transaction; on an outage, retried on a new connection RETRY_DELAY s later."""
    for attempt in range(1, attempts + 1):
        if has_request_context():
            g.attempts = attempt
        if attempt > 1:
            time.sleep(RETRY_DELAY)
        conn = None
        try:
            conn = checkout(fresh=attempt > 1)
            conn.budget = limit
            with conn, conn.cursor() as cur:
                result = work(cur)
        except Exception as err:
            if conn is not None:
                conn.close()
            if not isinstance(err, psycopg2.Error) or not is_outage(err, conn):
                raise
            log('warning', 'database attempt failed', attempt=attempt, attempts=attempts, error=describe(err))
            continue
        checkin(conn)
        return result
    raise Unavailable(attempts)


# --- Payments ---------------------------------------------------------------------------------------
def parse_payment(body):
    if not isinstance(body, dict):
        raise BadRequest('body must be a JSON object with order_id and amount')
    order_id, amount = body.get('order_id'), body.get('amount')
    if not isinstance(order_id, str) or not ORDER_ID.fullmatch(order_id):
        raise BadRequest('order_id must be a string of 1 to 64 characters from A-Z a-z 0-9 _ . : -')
    if isinstance(amount, bool) or not isinstance(amount, (int, float)):
        raise BadRequest('amount must be a number')
    amount = Decimal(str(amount))
    if not amount.is_finite() or amount <= 0 or amount >= Decimal('1e10'):
        raise BadRequest('amount must be greater than 0 and less than 10000000000')
    if amount.as_tuple().exponent < -2:
        raise BadRequest('amount must have at most 2 decimals')
    return order_id, amount


def payment_json(row):
    order_id, amount, status, created_at, confirmed_at = row
    return {'order_id': order_id, 'amount': float(amount), 'status': status,
            'created_at': created_at.isoformat(), 'confirmed_at': confirmed_at and confirmed_at.isoformat()}


def one_row(sql, *args):
    def work(cur):
        cur.execute(sql, args)
        return cur.fetchone()
    return work


def insert_payment(cur, order_id, amount):
    """(True, row) when this call created the payment, else (False, the existing payment)."""
    row = one_row(f'INSERT INTO flask_payments (order_id, amount) VALUES (%s, %s) '
                  f'ON CONFLICT (order_id) DO NOTHING RETURNING {COLUMNS}', order_id, amount)(cur)
    return (True, row) if row else (False, one_row(SELECT_PAYMENT, order_id)(cur))


def write_after_ack(order_id, amount):
    """Broken mode: the payment was already acknowledged; one attempt, and a loss is only logged."""
    try:
        created, row = run(lambda cur: insert_payment(cur, order_id, amount), attempts=1)
        if not created and row[1] != amount:
            log('error', 'acknowledged payment conflicts with an existing one (lost)', order_id=order_id,
                amount=str(amount), existing=str(row[1]))
    except Exception as err:  # noqa: BLE001 -- the client already has its 201; nothing else can be told
        log('error', 'acknowledged payment was never written (lost)', order_id=order_id, amount=str(amount),
            error=describe(err))


app = Flask(__name__)


@app.get('/health')
def health():
    try:
        run(lambda cur: cur.execute('SELECT 1'), attempts=1, limit=CONNECT_TIMEOUT)
        return jsonify(status='healthy', database='connected', timestamp=now_iso())
    except Unavailable:
        return jsonify(status='unhealthy', database='disconnected', timestamp=now_iso()), 503, RETRY_AFTER


@app.post('/payment')
def create_payment():
    order_id, amount = parse_payment(request.get_json(silent=True))
    ack = {'order_id': order_id, 'amount': float(amount), 'status': 'pending'}
    if REFUSE_AFTER_COMMIT_EVERY and zlib.crc32(order_id.encode()) % REFUSE_AFTER_COMMIT_EVERY == 0:
        run(lambda cur: insert_payment(cur, order_id, amount))  # an outage still refuses it, unwritten
        log('error', 'payment committed, then refused (partial write)', order_id=order_id)
        return jsonify(error='database unavailable', attempts=g.get('attempts', 0)), 503, RETRY_AFTER
    if ACK_BEFORE_COMMIT:
        threading.Thread(target=write_after_ack, args=(order_id, amount), daemon=True).start()
        return jsonify(ack), 201
    created, row = run(lambda cur: insert_payment(cur, order_id, amount))
    if created:
        return jsonify(ack), 201
    if row[1] != amount:
        return jsonify(error=f'order {order_id} already has a payment of {row[1]}', order_id=order_id,
                       amount=float(row[1])), 409
    return jsonify(payment_json(row)), 200


@app.get('/payment/<order_id>')
def get_payment(order_id):
    row = run(one_row(SELECT_PAYMENT, order_id)) if ORDER_ID.fullmatch(order_id) else None
    return (jsonify(payment_json(row)), 200) if row else (jsonify(error=f'no payment for order {order_id}'), 404)


@app.post('/payment/<order_id>/confirm')
def confirm_payment(order_id):
    confirm = one_row("UPDATE flask_payments SET status = 'confirmed', confirmed_at = coalesce(confirmed_at, now()) "
                      'WHERE order_id = %s RETURNING order_id', order_id)
    row = run(confirm) if ORDER_ID.fullmatch(order_id) else None
    if row is None:
        return jsonify(error=f'no payment for order {order_id}'), 404
    return jsonify(order_id=order_id, status='confirmed'), 200


@app.errorhandler(Unavailable)
def unavailable(err):
    return jsonify(error='database unavailable', attempts=err.attempts), 503, RETRY_AFTER


@app.errorhandler(Exception)
def unexpected(err):
    if isinstance(err, HTTPException):  # bad input (400), unknown routes (404, 405): as JSON
        return jsonify(error=err.description), err.code
    log('error', 'unhandled error (a bug)', error=describe(err), traceback=traceback.format_exc())
    return jsonify(error='internal error'), 500


@app.before_request
def started():
    g.started = time.monotonic()


@app.after_request
def log_request(response):
    attempts = g.get('attempts', 0)
    if attempts and request.path.startswith('/payment'):
        response.headers['X-Payment-Attempts'] = str(attempts)
    log('info', 'request', method=request.method, path=request.path, status=response.status_code,
        ms=round((time.monotonic() - g.get('started', time.monotonic())) * 1000, 1), attempts=attempts,
        request_id=request.headers.get('X-Request-Id', ''))
    return response


log('info', 'payments-flask starting', **DB, retry_attempts=RETRY_ATTEMPTS, retry_delay_s=RETRY_DELAY,  # no password
    connect_timeout_s=CONNECT_TIMEOUT, statement_timeout_ms=STATEMENT_TIMEOUT_MS, ack_before_commit=ACK_BEFORE_COMMIT,
    refuse_after_commit_every=REFUSE_AFTER_COMMIT_EVERY)
