using System.Globalization;
using Orleans.Serialization;
using Orleans.Storage;

namespace WPAI.Silo.Storage;

/// <summary>What WPAI's versioned grain storages (SQLite, PostgreSQL) share: reading a payload back and checking an ETag.</summary>
internal static class StoredStates
{
    /// <summary>Deserializes a stored payload; a payload that no longer fits its type fails with what to check.</summary>
    public static T Deserialize<T>(Serializer serializer, string stateName, GrainId grainId, byte[] payload, string where, Action<Exception> log)
    {
        try
        {
            return serializer.Deserialize<T>(payload)!;
        }
        catch (Exception ex)
        {
            log(ex);
            throw new OrleansException(
                $"Grain state '{stateName}' of {grainId} in {where} cannot be read as {typeof(T).FullName}: {ex.Message}. " +
                "Was a persisted field's [Id] renumbered or its type changed? Restore the old shape or migrate the data.",
                ex);
        }
    }

    /// <summary>The version an ETag names (null: the caller saw no row); an ETag this storage cannot have issued fails.</summary>
    public static long? ParseETag(string stateName, GrainId grainId, string? etag, string storage, long maxVersion = long.MaxValue)
    {
        if (etag is null)
        {
            return null;
        }

        if (long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0 && version <= maxVersion)
        {
            return version;
        }

        throw new InconsistentStateException(
            $"Grain state '{stateName}' of {grainId} carries ETag '{etag}', which is not a version this {storage} storage issued. Re-read the state before writing.",
            "unknown",
            etag);
    }
}
