namespace Tessera.Identity.Data;

/// <summary>Where the identity store lives: PostgreSQL when the process has a connection string, else SQLite in the data folder.</summary>
/// <param name="PostgresConnectionString"><c>ConnectionStrings:Tessera</c>; null in embedded mode.</param>
/// <param name="SqlitePath"><c>{Tessera:DataPath}/identity.db</c>, next to the document store's file.</param>
public sealed record IdentityStore(string? PostgresConnectionString, string SqlitePath)
{
    public bool IsPostgres => PostgresConnectionString is not null;

    /// <summary>Embedded mode: one process, SQLite; the first start creates an owner and prints credentials.</summary>
    public bool IsEmbedded => !IsPostgres;
}
