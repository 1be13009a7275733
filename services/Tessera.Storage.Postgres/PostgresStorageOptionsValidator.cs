using Microsoft.Extensions.Options;
using Npgsql;

namespace Tessera.Storage.Postgres;

/// <summary>Rejects a connection string Npgsql cannot parse at startup rather than on the first query.</summary>
internal sealed class PostgresStorageOptionsValidator : IValidateOptions<PostgresStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresStorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            // The [Required] data annotation reports this one.
            return ValidateOptionsResult.Skip;
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException exception)
        {
            return ValidateOptionsResult.Fail($"{nameof(PostgresStorageOptions)}.{nameof(PostgresStorageOptions.ConnectionString)} is not a valid Npgsql connection string: {exception.Message}");
        }
    }
}
