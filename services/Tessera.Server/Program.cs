var builder = WebApplication.CreateBuilder(args);

builder.AddTesseraStorageFromConfiguration();
builder.AddTesseraSilo();
builder.AddTesseraDataNode();
builder.AddTesseraReplication();

var app = builder.Build();

app.MapTesseraDataNode().MapTesseraReplication();

app.Run();

/// <summary>Entry point; public so integration tests can start the real host.</summary>
public partial class Program;
