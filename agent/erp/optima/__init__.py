"""The Comarch ERP Optima adapter: a company's Optima database (SQL Server, schema CDN) as the ERP."""
