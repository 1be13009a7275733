using Tessera.Testing;

[assembly: AssemblyFixture(typeof(PostgresServer))]
