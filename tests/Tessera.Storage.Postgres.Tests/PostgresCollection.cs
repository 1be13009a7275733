using Tessera.Testing;

namespace Tessera.Storage.Postgres.Tests;

/// <summary>One PostgreSQL server for the whole assembly; each test class creates its own database on it.</summary>
[CollectionDefinition(PostgresServer.CollectionName)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>;
