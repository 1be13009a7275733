namespace Tessera.Storage;

/// <summary>The control plane of databases: which databases a tenant has, and their counters.</summary>
public interface IDatabaseCatalog
{
    Task<DatabaseRecord?> GetAsync(string tenant, string name, CancellationToken cancellationToken = default);

    /// <summary>Creates the database; returns null when one with that name already exists in the tenant.</summary>
    Task<DatabaseRecord?> CreateAsync(string tenant, string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes the database and every row of its data; false when it did not exist.</summary>
    Task<bool> DeleteAsync(string tenant, string name, CancellationToken cancellationToken = default);

    /// <summary>Names of the tenant's databases in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every tenant's database of this exact name, ordered by tenant. A control-plane query across tenants, for
    /// platform services only (the replicator finds each tenant's <c>_replicator</c> database at start); it reads no
    /// tenant data. Note: it scans the catalog (no index on the name alone), so call it rarely, never per request.
    /// </summary>
    Task<IReadOnlyList<DatabaseRecord>> ListByNameAsync(string name, CancellationToken cancellationToken = default);

    Task SetRevsLimitAsync(long database, int revsLimit, CancellationToken cancellationToken = default);

    Task SetSecurityAsync(long database, string securityJson, CancellationToken cancellationToken = default);

    /// <summary>Makes the database readable without credentials (reads only), or stops it.</summary>
    Task SetPublicReadAsync(long database, bool publicRead, CancellationToken cancellationToken = default);
}
