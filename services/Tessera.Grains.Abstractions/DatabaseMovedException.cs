namespace Tessera.Grains;

/// <summary>
/// A write reached an activation of a database grain that is no longer its single writer (another activation
/// committed meanwhile, as can happen for a moment while silos join or leave). Nothing of the write was stored; the
/// stale activation deactivates, so a retry reaches the current writer.
/// </summary>
[GenerateSerializer, Alias("tessera.DatabaseMovedException.v1")]
public sealed class DatabaseMovedException : Exception
{
    public DatabaseMovedException()
        : base("The database moved to another writer; nothing of this request was written. Retry shortly.")
    {
    }

    public DatabaseMovedException(string message)
        : base(message)
    {
    }

    public DatabaseMovedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
