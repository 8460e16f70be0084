-- The ledger's posting step (inventory.services.posting._post_leg calls it, one call per leg):
-- lock the two balance rows, check the source under the lock, update both, insert the move and
-- its outbox event, in one round trip with cached plans. The rows are locked in the one lock
-- order of inventory/locks.py (balances by primary key; a missing destination inserted last).
-- Migration 0004 reads this file. The function in a database is what that migration created:
-- to change it, write a new migration (tests/inventory/test_post_leg_sql.py compares them).
CREATE OR REPLACE FUNCTION inventory_post_leg(
    p_product bigint, p_client bigint, p_warehouse bigint, p_lot bigint, p_qty integer,
    p_from_loc bigint, p_from_virtual boolean, p_from_lpn bigint, p_from_status varchar,
    p_to_loc bigint, p_to_virtual boolean, p_to_lpn bigint, p_to_status varchar,
    p_consume integer, p_reason varchar, p_reason_code varchar, p_ref_type varchar,
    p_ref_id varchar, p_note varchar, p_user bigint, p_now timestamptz,
    p_event_type varchar, p_payload jsonb
) RETURNS TABLE (move_id bigint, source_on_hand integer, source_allocated integer)
LANGUAGE plpgsql AS $$
DECLARE
    src_id bigint; s_on integer := 0; s_alloc integer := 0; s_fra timestamptz;
    dst_id bigint; d_on integer; d_fra timestamptz;
    new_id bigint;
BEGIN
    -- Existing rows of both keys, locked in id order (inventory/locks.py's order).
    PERFORM 1 FROM inventory_balance b
     WHERE (NOT p_from_virtual AND b.location_id = p_from_loc AND b.product_id = p_product
            AND b.lot_id IS NOT DISTINCT FROM p_lot AND b.lpn_id IS NOT DISTINCT FROM p_from_lpn
            AND b.status = p_from_status)
        OR (NOT p_to_virtual AND b.location_id = p_to_loc AND b.product_id = p_product
            AND b.lot_id IS NOT DISTINCT FROM p_lot AND b.lpn_id IS NOT DISTINCT FROM p_to_lpn
            AND b.status = p_to_status)
     ORDER BY b.id FOR UPDATE;

    IF NOT p_from_virtual THEN
        SELECT b.id, b.on_hand, b.allocated, b.first_received_at INTO src_id, s_on, s_alloc, s_fra
          FROM inventory_balance b
         WHERE b.location_id = p_from_loc AND b.product_id = p_product
           AND b.lot_id IS NOT DISTINCT FROM p_lot AND b.lpn_id IS NOT DISTINCT FROM p_from_lpn
           AND b.status = p_from_status;
        s_on := COALESCE(s_on, 0); s_alloc := COALESCE(s_alloc, 0);
        IF src_id IS NULL OR p_qty - p_consume > s_on - s_alloc OR p_qty > s_on THEN
            -- Refused: nothing written; the caller raises with these numbers.
            RETURN QUERY SELECT NULL::bigint, s_on, s_alloc;
            RETURN;
        END IF;
    END IF;

    IF NOT p_to_virtual THEN
        SELECT b.id, b.on_hand, b.first_received_at INTO dst_id, d_on, d_fra
          FROM inventory_balance b
         WHERE b.location_id = p_to_loc AND b.product_id = p_product
           AND b.lot_id IS NOT DISTINCT FROM p_lot AND b.lpn_id IS NOT DISTINCT FROM p_to_lpn
           AND b.status = p_to_status;
        IF dst_id IS NULL THEN
            INSERT INTO inventory_balance (location_id, product_id, lot_id, lpn_id, status,
                warehouse_id, client_id, on_hand, allocated, first_received_at, updated_at)
            VALUES (p_to_loc, p_product, p_lot, p_to_lpn, p_to_status, p_warehouse, p_client,
                    0, 0, p_now, p_now)
            ON CONFLICT DO NOTHING;
            SELECT b.id, b.on_hand, b.first_received_at INTO dst_id, d_on, d_fra
              FROM inventory_balance b
             WHERE b.location_id = p_to_loc AND b.product_id = p_product
               AND b.lot_id IS NOT DISTINCT FROM p_lot AND b.lpn_id IS NOT DISTINCT FROM p_to_lpn
               AND b.status = p_to_status
               FOR UPDATE;
        END IF;
    END IF;

    IF src_id IS NOT NULL THEN
        UPDATE inventory_balance
           SET on_hand = on_hand - p_qty, allocated = allocated - p_consume, updated_at = p_now
         WHERE id = src_id;
    END IF;
    IF dst_id IS NOT NULL THEN
        -- A move keeps the age of the stock (FIFO); a receipt into an empty row starts it now.
        UPDATE inventory_balance
           SET on_hand = on_hand + p_qty, updated_at = p_now,
               first_received_at = CASE
                   WHEN src_id IS NULL THEN CASE WHEN d_on = 0 THEN p_now ELSE d_fra END
                   WHEN d_on = 0 THEN s_fra
                   ELSE LEAST(d_fra, s_fra) END
         WHERE id = dst_id;
    END IF;

    INSERT INTO inventory_stockmove (product_id, lot_id, quantity, from_location_id,
        to_location_id, from_lpn_id, to_lpn_id, from_status, to_status, reason, reason_code,
        reference_type, reference_id, note, warehouse_id, client_id, user_id, created_at)
    VALUES (p_product, p_lot, p_qty, p_from_loc, p_to_loc, p_from_lpn, p_to_lpn, p_from_status,
            p_to_status, p_reason, p_reason_code, p_ref_type, p_ref_id, p_note, p_warehouse,
            p_client, p_user, p_now)
    RETURNING id INTO new_id;

    INSERT INTO inventory_event (type, client_id, warehouse_id, payload, user_id, created_at)
    VALUES (p_event_type, p_client, p_warehouse,
            p_payload || jsonb_build_object('move_id', new_id), p_user, p_now);

    RETURN QUERY SELECT new_id, s_on, s_alloc;
END;
$$;
