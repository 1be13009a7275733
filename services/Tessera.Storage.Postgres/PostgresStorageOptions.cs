using System.ComponentModel.DataAnnotations;

namespace Tessera.Storage.Postgres;

/// <summary>Options of the PostgreSQL storage provider, set through <c>AddTesseraStorage().UsePostgres(o => ...)</c>.</summary>
public sealed class PostgresStorageOptions
{
    /// <summary>
    /// Npgsql connection string of the database that holds Tessera's tables. Required; checked when the host starts.
    /// When it sets no <c>Max Auto Prepare</c>, the provider turns automatic preparation on (the hot reads are constant SQL);
    /// when it sets no <c>No Reset On Close</c>, pooled connections are not reset on return (storage sets no session
    /// state; code sharing the process's data source and changing session state should set it explicitly).
    /// </summary>
    [Required]
    public string ConnectionString { get; set; } = string.Empty;
}
