// Users (admin): everyone seen in the lake, by plays, each linking to their recap.
import { enc } from '../api.js';
import { GetData, Load } from '../components/States.js';
import { Table } from '../components/Table.js';
import { int } from '../format.js';
import { useApi } from '../hooks.js';

export function Users() {
  const users = useApi<{ name: string; plays: number }[]>('/v1/users');
  return (
    <div class="page" data-page="users">
      <h1>Users</h1>
      <Load state={users} what="users">
        {(us) =>
          us.length ? (
            <Table name="users" columns={[{ key: 'name', label: 'User', render: (u) => <a href={`/users/${enc(u.name)}`}>{u.name}</a> }, { key: 'plays', label: 'Plays', numeric: true, render: (u) => int(u.plays) }]} rows={us} />
          ) : (
            <GetData />
          )
        }
      </Load>
    </div>
  );
}
