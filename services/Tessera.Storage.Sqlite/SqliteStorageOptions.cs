using System.ComponentModel.DataAnnotations;

namespace Tessera.Storage.Sqlite;

/// <summary>Options of the embedded SQLite storage provider, set through <c>AddTesseraStorage().UseSqlite(o => ...)</c>.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>The file name of the database inside <see cref="DataPath"/>.</summary>
    public const string DatabaseFileName = "tessera.db";

    /// <summary>
    /// Folder that holds the database file (<c>{DataPath}/tessera.db</c>, plus SQLite's <c>-wal</c> and <c>-shm</c> files).
    /// Created when missing. Required; checked when the host starts.
    /// </summary>
    [Required]
    public string DataPath { get; set; } = string.Empty;
}
