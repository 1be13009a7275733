using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tessera.Identity.Data;

/// <summary>
/// Per-connection SQLite settings: <c>synchronous=NORMAL</c> (safe with WAL: a power cut may lose the last commits,
/// never corrupt the file, as in the document store) and a busy timeout so concurrent writers wait instead of failing.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Sql = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
