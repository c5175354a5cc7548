-- WPAI schema version 1: cluster membership for Orleans' ADO.NET clustering provider
-- (Microsoft.Orleans.Clustering.AdoNet, invariant "Npgsql"). Written for WPAI; the provider only fixes the
-- query keys, the @parameter names it binds and the column names it reads back (quoted aliases below).
--
-- One version row per cluster (Orleans calls the cluster id "DeploymentId"): every change to membership must
-- name the version it read and bumps it, which is how Orleans serializes membership changes across silos.

CREATE TABLE IF NOT EXISTS wpai_membership_version
(
    deployment_id varchar(150) NOT NULL PRIMARY KEY,
    version       integer      NOT NULL DEFAULT 0,
    changed_utc   timestamptz  NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS wpai_membership
(
    deployment_id   varchar(150) NOT NULL REFERENCES wpai_membership_version (deployment_id) ON DELETE CASCADE,
    address         varchar(45)  NOT NULL,
    port            integer      NOT NULL,
    generation      integer      NOT NULL,
    silo_name       varchar(150) NOT NULL,
    host_name       varchar(150) NOT NULL,
    status          integer      NOT NULL,
    proxy_port      integer      NULL,
    suspect_times   text         NULL,
    start_time      timestamptz  NOT NULL,
    i_am_alive_time timestamptz  NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Creates the cluster's version row once; true when this call created it.
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO wpai_membership_version (deployment_id) VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1)
SELECT count(*) > 0 AS "Inserted" FROM created;
$q$),

-- Adds a silo if the caller's table version is current and the silo is not there yet; bumps the version.
-- The version row's lock (taken by the UPDATE) serializes concurrent membership changes.
('InsertMembershipKey', $q$
WITH bumped AS (
    UPDATE wpai_membership_version AS v
    SET version = v.version + 1, changed_utc = now()
    WHERE v.deployment_id = @DeploymentId
      AND v.version = @Version
      AND NOT EXISTS (SELECT 1 FROM wpai_membership AS m
                      WHERE m.deployment_id = @DeploymentId AND m.address = @Address
                        AND m.port = @Port AND m.generation = @Generation)
    RETURNING v.deployment_id),
added AS (
    INSERT INTO wpai_membership (deployment_id, address, port, generation, silo_name, host_name, status,
                                 proxy_port, start_time, i_am_alive_time)
    SELECT b.deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
           @ProxyPort, @StartTime, @IAmAliveTime
    FROM bumped AS b
    ON CONFLICT (deployment_id, address, port, generation) DO NOTHING
    RETURNING 1)
SELECT count(*) > 0 AS "Inserted" FROM added;
$q$),

-- Changes a silo's status, suspicions and liveness if the caller's table version is current; bumps the version.
('UpdateMembershipKey', $q$
WITH bumped AS (
    UPDATE wpai_membership_version AS v
    SET version = v.version + 1, changed_utc = now()
    WHERE v.deployment_id = @DeploymentId
      AND v.version = @Version
      AND EXISTS (SELECT 1 FROM wpai_membership AS m
                  WHERE m.deployment_id = @DeploymentId AND m.address = @Address
                    AND m.port = @Port AND m.generation = @Generation)
    RETURNING v.deployment_id),
changed AS (
    UPDATE wpai_membership AS m
    SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
    FROM bumped AS b
    WHERE m.deployment_id = b.deployment_id AND m.address = @Address
      AND m.port = @Port AND m.generation = @Generation
    RETURNING 1)
SELECT count(*) > 0 AS "Updated" FROM changed;
$q$),

-- Liveness heartbeat: not versioned, never expected to fail.
('UpdateIAmAlivetimeKey', $q$
UPDATE wpai_membership
SET i_am_alive_time = @IAmAliveTime
WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;
$q$),

-- One silo with the table version; the version row comes back even when the silo is unknown.
('MembershipReadRowKey', $q$
SELECT v.deployment_id AS "DeploymentId", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
       m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
       m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime",
       v.version AS "Version"
FROM wpai_membership_version AS v
LEFT JOIN wpai_membership AS m
       ON m.deployment_id = v.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
WHERE v.deployment_id = @DeploymentId;
$q$),

-- Every silo with the table version; one row with only the version when the cluster has no silo.
('MembershipReadAllKey', $q$
SELECT v.deployment_id AS "DeploymentId", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
       m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
       m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime",
       v.version AS "Version"
FROM wpai_membership_version AS v
LEFT JOIN wpai_membership AS m ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId;
$q$),

-- Gateways clients may connect to: silos in the requested status (Active) that expose a gateway port.
('GatewaysQueryKey', $q$
SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
FROM wpai_membership
WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0;
$q$),

-- Forgets a whole cluster (its silos go with the version row).
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM wpai_membership_version WHERE deployment_id = @DeploymentId;
$q$),

-- Removes silos that stopped sending heartbeats before the given time and are not Active (status 3).
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM wpai_membership
WHERE deployment_id = @DeploymentId AND i_am_alive_time < @IAmAliveTime AND status <> 3;
$q$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
