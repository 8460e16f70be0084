"""The rating job's statements, all inside the batch's transaction, over temporary tables:
billing_batch (the batch's events), billing_ctx (each (client, day)'s period and rate-card
version), billing_rule (each version's rules with the event types that feed them, their invoice
text and unit) and billing_ev (the card-rated events with the facts their rules count).

CHARGE rates every event by the rules of its card in one statement: candidate lines per
(event, rule[, material]), the lines with something to charge (INSERT … ON CONFLICT DO NOTHING
against the (event, rule, sub_key) unique index), and an unrated entry with the reason for
every billable event that yields no line. VOID credits voided labels."""

from __future__ import annotations

PREPARE = """
CREATE TEMP TABLE IF NOT EXISTS billing_batch (
    event_id bigint PRIMARY KEY, txid bigint NOT NULL, type varchar(64) NOT NULL,
    client_id bigint, day date NOT NULL
) ON COMMIT DROP;
CREATE TEMP TABLE IF NOT EXISTS billing_ctx (
    client_id bigint NOT NULL, day date NOT NULL, period_id bigint NOT NULL,
    version_id bigint, storage_mode varchar(16), PRIMARY KEY (client_id, day)
) ON COMMIT DROP;
CREATE TEMP TABLE IF NOT EXISTS billing_rule (
    version_id bigint NOT NULL, event_type text NOT NULL, rule_id bigint NOT NULL,
    kind text NOT NULL, basis text NOT NULL, storage_type text NOT NULL, tier_from integer,
    tier_to integer, unit_price numeric NOT NULL, markup_percent numeric NOT NULL,
    markup_flat numeric NOT NULL, label text NOT NULL, unit text NOT NULL
) ON COMMIT DROP;
CREATE INDEX IF NOT EXISTS billing_rule_version_type ON billing_rule (version_id, event_type);
CREATE TEMP TABLE IF NOT EXISTS billing_ev (
    event_id bigint PRIMARY KEY, type text NOT NULL, client_id bigint NOT NULL, day date NOT NULL,
    period_id bigint NOT NULL, version_id bigint NOT NULL, storage_billed boolean NOT NULL,
    quantity numeric, uom text, packs numeric, receipt_asn text, first_on_pallet boolean,
    move_id bigint, lpn text, picked_units numeric, picked_lines numeric, lines_received numeric,
    box_cost numeric, box_currency text, amount numeric, currency text, materials jsonb,
    snapshot_id bigint, units numeric, pallets numeric, locations jsonb, volume numeric,
    unmeasured text, order_reference text, asn_reference text, carton_sscc text,
    tracking_code text, sku text, shipment_id bigint, blocker text, blocker_text text
) ON COMMIT DROP;
CREATE TEMP TABLE IF NOT EXISTS billing_void (
    event_id bigint PRIMARY KEY, client_id bigint, day date NOT NULL, period_id bigint,
    shipment_id bigint, done boolean NOT NULL DEFAULT FALSE,
    credited boolean NOT NULL DEFAULT FALSE
) ON COMMIT DROP;
TRUNCATE billing_batch, billing_ctx, billing_rule, billing_ev, billing_void;
-- A batch's statements join tens of thousands of rows once: JIT compiling costs more than it
-- saves, and the intermediate results should stay in memory.
SET LOCAL jit = off;
SET LOCAL work_mem = '128MB';
"""

# An event's day is its date in its warehouse's time zone; a storage snapshot's is the night it
# was taken (its event is written after that midnight, later still for a missed night).
_DAY = """
       CASE WHEN e.type = 'storage.snapshot' THEN (e.payload->>'date')::date
            ELSE (e.created_at AT TIME ZONE COALESCE(w.time_zone, 'UTC'))::date END"""

# The next batch after the checkpoint, in (transaction id, event id) order, of events whose
# transactions have all ended: no event can later appear behind the batch. Plus every event of
# this very transaction, if it wrote any (it sees them; they are final for it): these never move
# the checkpoint, since events of transactions older than this one may still commit behind
# them; read again later, they are skipped as rated (SKIP_RATED).
NEXT_BATCH = (
    """
INSERT INTO billing_batch (event_id, txid, type, client_id, day)
SELECT e.id, e.txid::text::bigint, e.type, e.client_id, """
    + _DAY
    + """
  FROM ((SELECT * FROM inventory_event
          WHERE (txid, id) > (%(txid)s::text::xid8, %(event_id)s)
            AND txid < %(horizon)s::xid8
          ORDER BY txid, id
          LIMIT %(size)s)
        UNION ALL
        (SELECT * FROM inventory_event WHERE txid = %(own)s::xid8)) e
  LEFT JOIN inventory_warehouse w ON w.id = e.warehouse_id
"""
)

# Given events (re-rating), whatever the checkpoint.
GIVEN_EVENTS = (
    """
INSERT INTO billing_batch (event_id, txid, type, client_id, day)
SELECT e.id, e.txid::text::bigint, e.type, e.client_id, """
    + _DAY
    + """
  FROM inventory_event e
  LEFT JOIN inventory_warehouse w ON w.id = e.warehouse_id
 WHERE e.id = ANY(%(ids)s)
"""
)

# The batch's size, its billable events, how many lie below the horizon, and the last of those:
# the new checkpoint.
BATCH_END = """
SELECT count(*), count(*) FILTER (WHERE type = ANY(%(billable)s)),
       count(*) FILTER (WHERE txid < %(horizon)s),
       (SELECT txid FROM billing_batch WHERE txid < %(horizon)s
         ORDER BY txid DESC, event_id DESC LIMIT 1),
       (SELECT event_id FROM billing_batch WHERE txid < %(horizon)s
         ORDER BY txid DESC, event_id DESC LIMIT 1)
  FROM billing_batch
"""

# Events that already have their outcome (lines, or an entry in the queue) are never rated
# again, whatever the checkpoint says: exactly once rests on the data, not on the checkpoint.
# (Re-rating removes an event's lines and open entry first.)
SKIP_RATED = """
DELETE FROM billing_batch b
 WHERE b.type = ANY(%(billable)s)
   AND (EXISTS (SELECT 1 FROM billing_chargeline c WHERE c.event_id = b.event_id)
        OR EXISTS (SELECT 1 FROM billing_unratedactivity u
                    WHERE u.event_id = b.event_id AND NOT (u.status = 'resolved')))
"""

# A putaway of a whole LPN names no client on its event; its moves do. One client: that one.
PUTAWAY_CLIENTS = """
UPDATE billing_batch b SET client_id = m.client_id
  FROM (SELECT bb.event_id, min(sm.client_id) AS client_id
          FROM billing_batch bb
          JOIN inventory_event e ON e.id = bb.event_id
          JOIN inventory_stockmove sm ON sm.reference_type = %(reference_type)s
                                     AND sm.reference_id = e.payload->>'task'
         WHERE bb.type = 'putaway.done' AND bb.client_id IS NULL
         GROUP BY bb.event_id
        HAVING count(DISTINCT sm.client_id) = 1) m
 WHERE b.event_id = m.event_id
"""

CLIENT_DAYS = """
SELECT DISTINCT client_id, day FROM billing_batch
 WHERE type = ANY(%(billable)s) AND client_id IS NOT NULL
"""

FILL_CTX = """
INSERT INTO billing_ctx (client_id, day, period_id, version_id, storage_mode)
SELECT * FROM unnest(%(clients)s::bigint[], %(days)s::date[], %(periods)s::bigint[],
                     %(versions)s::bigint[], %(modes)s::text[])
"""

# Each version's rules with the event types that feed them, their invoice text and unit.
FILL_RULES = """
INSERT INTO billing_rule (version_id, event_type, rule_id, kind, basis, storage_type, tier_from,
    tier_to, unit_price, markup_percent, markup_flat, label, unit)
SELECT ru.version_id, f.event_type, ru.id, ru.kind, ru.basis, ru.storage_type, ru.tier_from,
       ru.tier_to, ru.unit_price, ru.markup_percent, ru.markup_flat, l.label, l.unit
  FROM billing_raterule ru
  JOIN unnest(%(feed_types)s::text[], %(feed_bases)s::text[]) AS f(event_type, basis)
    ON f.basis = ru.basis
  JOIN unnest(%(rules)s::bigint[], %(labels)s::text[], %(units)s::text[]) AS l(rule_id, label, unit)
    ON l.rule_id = ru.id
"""

# The batch's events that a card rates, with the facts the rules count read from the payload
# once (typed), the references every line carries (order, ASN, carton, tracking, SKU), and
# what stops an event being charged at all: a cost in another currency than the invoices'.
# Per pallet: the first receipt onto a pallet LPN that held nothing before it (by the ledger's
# order), so a pallet scanned in several receipts is charged once; asked only for receipts of
# cards that charge per pallet.
FILL_EVENTS = """
INSERT INTO billing_ev (event_id, type, client_id, day, period_id, version_id, storage_billed,
    quantity, uom, packs, receipt_asn, move_id, lpn, picked_units, picked_lines, lines_received,
    box_cost, box_currency, amount, currency, materials, snapshot_id, order_reference,
    asn_reference, carton_sscc, tracking_code, sku, shipment_id, first_on_pallet, blocker,
    blocker_text)
SELECT f.*,
       CASE WHEN f.type = 'stock.received' AND f.move_id IS NOT NULL AND EXISTS (
                SELECT 1 FROM billing_rule r
                 WHERE r.version_id = f.version_id AND r.basis = 'per_pallet_received')
            THEN COALESCE((
                SELECT lp.kind = 'pallet'
                       AND COALESCE((SELECT sum(i.quantity) FROM inventory_stockmove i
                                      WHERE i.to_lpn_id = m.to_lpn_id AND i.id < m.id), 0)
                         = COALESCE((SELECT sum(o.quantity) FROM inventory_stockmove o
                                      WHERE o.from_lpn_id = m.to_lpn_id AND o.id < m.id), 0)
                  FROM inventory_stockmove m JOIN inventory_lpn lp ON lp.id = m.to_lpn_id
                 WHERE m.id = f.move_id), FALSE)
            ELSE FALSE END,
       CASE WHEN foreign_cost THEN 'currency' END,
       CASE WHEN foreign_cost AND f.type = 'shipment.label_purchased'
            THEN format('The label cost %%s %%s; invoices are in %%s.', f.amount, f.currency,
                        %(currency)s)
            WHEN foreign_cost
            THEN format('The box or materials were bought in another currency than %%s.',
                        %(currency)s) END
  FROM (
    SELECT b.event_id, b.type, b.client_id, b.day, x.period_id, x.version_id,
           -- Half-month storage bills what is there on the 1st and the 16th only.
           x.storage_mode = 'daily' OR extract(day FROM b.day) IN (1, 16) AS storage_billed,
           (p->>'quantity')::numeric AS quantity, p->'receipt'->>'uom' AS uom,
           (p->'receipt'->>'packs')::numeric AS packs, p->'receipt'->>'asn' AS receipt_asn,
           (p->>'move_id')::bigint AS move_id, p->>'lpn' AS lpn,
           (p->>'picked_units')::numeric AS picked_units,
           (p->>'picked_lines')::numeric AS picked_lines,
           CASE WHEN b.type = 'asn.closed'
                THEN (SELECT count(*) FROM jsonb_array_elements(p->'lines') l
                       WHERE (l->>'received')::int > 0) END AS lines_received,
           (p->>'box_cost')::numeric AS box_cost, p->>'box_currency' AS box_currency,
           (p->>'amount')::numeric AS amount, p->>'currency' AS currency,
           CASE WHEN b.type = 'carton.packed' THEN p->'materials' END AS materials,
           CASE WHEN b.type = 'storage.snapshot'
                THEN (p->>'snapshot_id')::bigint END AS snapshot_id,
           LEFT(COALESCE(CASE WHEN b.type IN ('order.picked', 'order.packed')
                              THEN p->>'reference'
                              WHEN b.type IN ('carton.packed', 'shipment.label_purchased')
                              THEN p->>'order' END, ''), 64) AS order_reference,
           LEFT(COALESCE(CASE b.type WHEN 'asn.closed' THEN p->>'reference'
                                     WHEN 'stock.received' THEN p->'receipt'->>'asn' END, ''),
                64) AS asn_reference,
           LEFT(COALESCE(CASE WHEN b.type = 'carton.packed' THEN p->>'sscc' END, ''), 32)
               AS carton_sscc,
           LEFT(COALESCE(CASE WHEN b.type = 'shipment.label_purchased'
                              THEN p->>'tracking_code' END, ''), 64) AS tracking_code,
           LEFT(COALESCE(CASE WHEN b.type = 'stock.received' THEN p->>'sku' END, ''), 64)
               AS sku,
           CASE WHEN b.type = 'shipment.label_purchased'
                THEN (p->>'shipment_id')::bigint END AS shipment_id
      FROM billing_batch b
      JOIN billing_ctx x ON x.client_id = b.client_id AND x.day = b.day
      JOIN LATERAL (SELECT e.payload AS p FROM inventory_event e WHERE e.id = b.event_id) e
        ON TRUE
     WHERE b.type = ANY(%(rated_types)s) AND x.version_id IS NOT NULL
  ) f
  CROSS JOIN LATERAL (
    SELECT (f.type = 'shipment.label_purchased' AND f.currency <> %(currency)s
            AND EXISTS (SELECT 1 FROM billing_rule r WHERE r.version_id = f.version_id
                           AND r.basis = 'label'))
        OR (f.type = 'carton.packed'
            AND ((COALESCE(f.box_currency, %(currency)s) <> %(currency)s
                  AND EXISTS (SELECT 1 FROM billing_rule r WHERE r.version_id = f.version_id
                                 AND r.basis = 'boxes'))
                 OR (EXISTS (SELECT 1 FROM jsonb_array_elements(f.materials) m
                              WHERE COALESCE(m->>'currency', %(currency)s) <> %(currency)s)
                     AND EXISTS (SELECT 1 FROM billing_rule r
                                  WHERE r.version_id = f.version_id
                                    AND r.basis = 'materials')))) AS foreign_cost
  ) c
"""

# Storage: the snapshot's numbers, with the volume of products measured since the night it was
# taken; a volume rule on a billed night with products still without dimensions waits, whole.
FILL_STORAGE = """
UPDATE billing_ev v
   SET units = w.units, pallets = w.pallets, locations = w.locations, volume = w.volume,
       unmeasured = w.unmeasured,
       blocker = CASE WHEN w.cubic THEN 'missing_dimensions' END,
       blocker_text = CASE WHEN w.cubic
                           THEN format('Storage by volume needs dimensions of %%s.', w.unmeasured)
                      END
  FROM (
    SELECT v2.event_id, s.units, s.pallets, s.locations,
           s.volume_cm3 + COALESCE(u.measured, 0) AS volume, u.unmeasured,
           v2.storage_billed AND u.unmeasured IS NOT NULL AND EXISTS (
               SELECT 1 FROM billing_rule r
                WHERE r.version_id = v2.version_id
                  AND r.basis IN ('cubic_foot_day', 'cubic_metre_day')) AS cubic
      FROM billing_ev v2
      JOIN billing_storagesnapshot s ON s.id = v2.snapshot_id
      LEFT JOIN LATERAL (
          SELECT sum(d.value::bigint * GREATEST(1, pr.length_mm::bigint * pr.width_mm
                                                    * pr.height_mm / 1000))
                     FILTER (WHERE pr.length_mm > 0 AND pr.width_mm > 0 AND pr.height_mm > 0)
                     AS measured,
                 string_agg(pr.sku, ', ' ORDER BY pr.sku)
                     FILTER (WHERE (pr.length_mm > 0 AND pr.width_mm > 0
                                    AND pr.height_mm > 0) IS NOT TRUE) AS unmeasured
            FROM jsonb_each_text(s.undimensioned) d
            JOIN inventory_product pr ON pr.id = d.key::bigint
      ) u ON TRUE
     WHERE v2.type = 'storage.snapshot'
  ) w
 WHERE v.event_id = w.event_id
"""

ANALYZE = "ANALYZE billing_ev (event_id, type, version_id, blocker)"

_LINE_COLUMNS = """client_id, period_id, version_id, rule_id, kind, basis, description,
        activity_date, quantity, unit, unit_price, amount, event_id, event_type, sub_key,
        snapshot_id, credits_event_id, shipment_id, order_reference, asn_reference,
        carton_sscc, tracking_code, sku, note, invoice_id, created_by_id, created_at"""

# Whether rule r applies to event v at all (a rule that applies but counts 0 leaves the event
# unrated; an event no rule of its card applies to is not billable under that card, unless the
# card has no rule of its kind at all).
_APPLIES = """
       (v.type <> 'storage.snapshot' OR v.storage_billed)
       AND (r.basis <> 'per_receipt_line' OR v.type = 'asn.closed' OR v.receipt_asn IS NULL)
       AND (r.basis <> 'per_pallet_received' OR v.first_on_pallet)
       AND (r.basis <> 'putaway_per_lpn' OR v.lpn IS NOT NULL)
       AND (r.basis <> 'boxes' OR v.box_cost IS NOT NULL)
       AND (r.basis <> 'materials' OR jsonb_array_length(COALESCE(v.materials, '[]')) > 0)
"""

CHARGE = (
    """
WITH cand AS (
    SELECT v.event_id, r.rule_id, ''::text AS sub_key, r.label, r.unit, r.kind, r.basis,
           CASE r.basis
               WHEN 'per_asn' THEN 1
               WHEN 'per_receipt_line' THEN
                   CASE WHEN v.type = 'asn.closed' THEN v.lines_received ELSE 1 END
               WHEN 'per_unit_received' THEN v.quantity
               WHEN 'per_case_received' THEN CASE WHEN v.uom = 'case' THEN v.packs ELSE 0 END
               WHEN 'per_pallet_received' THEN 1
               WHEN 'putaway_per_lpn' THEN 1
               WHEN 'pick_per_order' THEN 1
               WHEN 'pick_per_line' THEN COALESCE(v.picked_lines, 0)
               WHEN 'pick_per_unit' THEN COALESCE(v.picked_units, 0)
               WHEN 'pick_first_unit' THEN LEAST(COALESCE(v.picked_units, 0), 1)
               WHEN 'pick_additional_unit' THEN GREATEST(COALESCE(v.picked_units, 0) - 1, 0)
               WHEN 'pick_unit_range' THEN
                   GREATEST(LEAST(COALESCE(v.picked_units, 0), COALESCE(r.tier_to, 2147483647))
                            - r.tier_from + 1, 0)
               WHEN 'pack_per_order' THEN 1
               WHEN 'pack_per_carton' THEN 1
               WHEN 'boxes' THEN 1
               WHEN 'label' THEN 1
               WHEN 'location_day' THEN COALESCE((v.locations->>r.storage_type)::numeric, 0)
               WHEN 'pallet_day' THEN v.pallets
               WHEN 'unit_day' THEN v.units
               WHEN 'cubic_foot_day' THEN round(v.volume / %(cm3_per_ft3)s::numeric, 4)
               WHEN 'cubic_metre_day' THEN round(v.volume / %(cm3_per_m3)s::numeric, 4)
           END AS quantity,
           CASE r.basis
               WHEN 'boxes' THEN round(v.box_cost * (1 + r.markup_percent / 100)
                                       + r.markup_flat, 4)
               WHEN 'label' THEN round(v.amount * (1 + r.markup_percent / 100)
                                       + r.markup_flat, 4)
               ELSE r.unit_price
           END AS unit_price
      FROM billing_ev v
      JOIN billing_rule r ON r.version_id = v.version_id AND r.event_type = v.type
     WHERE r.basis <> 'materials' AND v.blocker IS NULL AND """
    + _APPLIES
    + """
    UNION ALL
    SELECT v.event_id, r.rule_id, LEFT(m->>'code', 64), r.label || ': ' || (m->>'code'),
           r.unit, r.kind, r.basis, (m->>'quantity')::numeric,
           round((m->>'cost')::numeric * (1 + r.markup_percent / 100) + r.markup_flat, 4)
      FROM billing_ev v
      JOIN billing_rule r ON r.version_id = v.version_id AND r.event_type = v.type
     CROSS JOIN LATERAL jsonb_array_elements(v.materials) m
     WHERE r.basis = 'materials' AND v.blocker IS NULL
),
charged AS (
    INSERT INTO billing_chargeline ("""
    + _LINE_COLUMNS
    + """)
    SELECT v.client_id, v.period_id, v.version_id, c.rule_id, c.kind, c.basis,
           LEFT(c.label, 200), v.day, c.quantity, c.unit, c.unit_price,
           round(c.quantity * c.unit_price, 2), v.event_id, v.type, c.sub_key, v.snapshot_id,
           NULL, v.shipment_id, v.order_reference, v.asn_reference, v.carton_sscc,
           v.tracking_code, v.sku, '', NULL, NULL, %(now)s
      FROM cand c
      JOIN billing_ev v ON v.event_id = c.event_id
     WHERE c.quantity <> 0
    ON CONFLICT (event_id, rule_id, sub_key) WHERE event_id IS NOT NULL DO NOTHING
    RETURNING event_id
),
lined AS (
    SELECT DISTINCT event_id FROM charged
),
-- Billable events left without a line (by this statement or an earlier run): few, so whether a
-- rule of their card applied to them is asked only for them.
unlined AS MATERIALIZED (
    SELECT b.* FROM billing_batch b
     WHERE b.type = ANY(%(rated_types)s)
       AND NOT EXISTS (SELECT 1 FROM lined l WHERE l.event_id = b.event_id)
),
bare AS MATERIALIZED (
    SELECT b.event_id, b.type, b.client_id, b.day, k.kind, x.period_id, x.version_id,
           v.event_id IS NOT NULL AS rated, v.blocker, v.blocker_text, v.uom
      FROM unlined b
      JOIN unnest(%(kind_types)s::text[], %(kinds)s::text[]) AS k(event_type, kind)
        ON k.event_type = b.type
      LEFT JOIN billing_ctx x ON x.client_id = b.client_id AND x.day = b.day
      LEFT JOIN billing_ev v ON v.event_id = b.event_id
),
applicable AS (
    SELECT u.event_id FROM bare u
     WHERE u.rated AND EXISTS (
         SELECT 1 FROM billing_ev v JOIN billing_rule r
             ON r.version_id = v.version_id AND r.event_type = v.type
          WHERE v.event_id = u.event_id AND """
    + _APPLIES
    + """)
),
unrated AS (
    INSERT INTO billing_unratedactivity (event_id, event_type, kind, client_id, period_id,
        activity_date, reason_code, reason, status, resolution_note, created_at)
    SELECT u.event_id, u.type, u.kind, u.client_id, u.period_id, u.day,
           CASE WHEN u.client_id IS NULL THEN 'no_client'
                WHEN u.version_id IS NULL THEN 'no_rate_card'
                WHEN u.blocker IS NOT NULL THEN u.blocker
                ELSE 'no_matching_rule' END,
           LEFT(CASE
               WHEN u.client_id IS NULL
               THEN 'No single client: the stock belongs to several clients or to none.'
               WHEN u.version_id IS NULL
               THEN format('%%s has no rate card in effect on %%s.', cl.name, u.day)
               WHEN u.blocker IS NOT NULL THEN u.blocker_text
               WHEN a.event_id IS NULL
               THEN format('Rate card “%%s” v%%s has no %%s rule.', rc.name, rv.number, u.kind)
               ELSE format('No rule of rate card “%%s” v%%s counts this %%s%%s.', rc.name,
                           rv.number, u.type,
                           CASE WHEN u.uom IS NOT NULL
                                THEN ' (received as ' || u.uom || ')' END)
           END, 300),
           'open', '', %(now)s
      FROM bare u
      LEFT JOIN applicable a ON a.event_id = u.event_id
      LEFT JOIN billing_ratecardversion rv ON rv.id = u.version_id
      LEFT JOIN billing_ratecard rc ON rc.id = rv.card_id
      LEFT JOIN inventory_client cl ON cl.id = u.client_id
     WHERE u.client_id IS NULL OR u.version_id IS NULL OR u.blocker IS NOT NULL
        OR a.event_id IS NOT NULL
        OR NOT EXISTS (SELECT 1 FROM billing_raterule ru
                        WHERE ru.version_id = u.version_id AND ru.kind = u.kind)
    ON CONFLICT (event_id) WHERE NOT (status = 'resolved') DO NOTHING
    RETURNING 1
)
SELECT (SELECT count(*) FROM charged), (SELECT count(*) FROM unrated)
"""
)

# A voided label is credited: the latest charged and not yet credited label purchase of the
# shipment (same client) before the void gets a negative copy of each of its lines (same rule,
# price and references), dated and perioded by the void. No such charge: the void waits,
# unrated. Voids are matched in rounds, the earliest waiting void of each shipment per round,
# so two voids of one shipment in a batch never credit the same label.
FILL_VOIDS = """
INSERT INTO billing_void (event_id, client_id, day, period_id, shipment_id)
SELECT b.event_id, b.client_id, b.day, x.period_id, (e.payload->>'shipment_id')::bigint
  FROM billing_batch b
  JOIN inventory_event e ON e.id = b.event_id
  LEFT JOIN billing_ctx x ON x.client_id = b.client_id AND x.day = b.day
 WHERE b.type = 'shipment.voided'
"""

VOID_ROUND = (
    """
WITH v AS (
    SELECT DISTINCT ON (shipment_id) * FROM billing_void
     WHERE NOT done AND client_id IS NOT NULL AND shipment_id IS NOT NULL
     ORDER BY shipment_id, event_id
),
label AS (
    SELECT v.event_id AS void_id, l.event_id AS label_event_id
      FROM v
     CROSS JOIN LATERAL (
         SELECT l.event_id FROM billing_chargeline l
          WHERE l.shipment_id = v.shipment_id AND l.client_id = v.client_id
            AND l.event_type = 'shipment.label_purchased' AND l.event_id < v.event_id
            AND NOT EXISTS (SELECT 1 FROM billing_chargeline c
                             WHERE c.credits_event_id = l.event_id)
          ORDER BY l.event_id DESC LIMIT 1) l
),
credited AS (
    INSERT INTO billing_chargeline ("""
    + _LINE_COLUMNS
    + """)
    SELECT v.client_id, v.period_id, l.version_id, l.rule_id, l.kind, l.basis,
           LEFT('Credit, label voided: ' || l.description, 200), v.day, -l.quantity, l.unit,
           l.unit_price, -l.amount, v.event_id, 'shipment.voided', 'credit', NULL, l.event_id,
           v.shipment_id, l.order_reference, '', l.carton_sscc, l.tracking_code, '', '',
           NULL, NULL, %(now)s
      FROM v
      JOIN label ON label.void_id = v.event_id
      JOIN billing_chargeline l ON l.event_id = label.label_event_id
    ON CONFLICT (event_id, rule_id, sub_key) WHERE event_id IS NOT NULL DO NOTHING
    RETURNING 1
),
marked AS (
    UPDATE billing_void w SET done = TRUE,
           credited = EXISTS (SELECT 1 FROM label WHERE label.void_id = w.event_id)
     WHERE w.event_id IN (SELECT event_id FROM v)
    RETURNING 1
)
SELECT (SELECT count(*) FROM credited), (SELECT count(*) FROM marked)
"""
)

VOID_UNRATED = """
INSERT INTO billing_unratedactivity (event_id, event_type, kind, client_id, period_id,
    activity_date, reason_code, reason, status, resolution_note, created_at)
SELECT w.event_id, 'shipment.voided', 'shipping', w.client_id, w.period_id, w.day,
       CASE WHEN w.client_id IS NULL THEN 'no_client' ELSE 'nothing_to_credit' END,
       CASE WHEN w.client_id IS NULL THEN 'The void names no client.'
            ELSE format('No charged label of shipment %%s to credit (is its purchase unrated '
                        'or non-billable?).', w.shipment_id) END,
       'open', '', %(now)s
  FROM billing_void w
 WHERE NOT w.credited
ON CONFLICT (event_id) WHERE NOT (status = 'resolved') DO NOTHING
"""
