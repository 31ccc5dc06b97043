import type { VNode } from 'preact';
import { Empty, TableRegion } from '../../pages/components.js';
import type { PageContext, PageResult } from '../../pages/page.js';
import { KafkaUnavailable, NoKafka, readKafka, type KafkaRead } from './kafka-state.js';
import { livePage } from '../../pages/live-region.js';
import { OperationsHead } from './operations-nav.js';
import type { GroupLag, KafkaLagAnswer } from './operations.types.js';

function GroupTable({ group }: { group: GroupLag }): VNode {
  return (
    <section aria-labelledby={`group-${group.groupId}`}>
      <h2 id={`group-${group.groupId}`} class="ll-id">{group.groupId} <span class="ll-small ll-muted">lag {group.lag}</span></h2>
      {group.topics.length === 0 ? <Empty>None of this group's topics exists yet.</Empty> : (
        <TableRegion label={`Partitions read by ${group.groupId}`}>
          <table>
            <caption class="ll-visually-hidden">{`Each partition ${group.groupId} reads: its committed offset, its watermarks and its lag`}</caption>
            <thead><tr><th scope="col">Topic</th><th scope="col">Partition</th><th scope="col">Committed</th><th scope="col">Low watermark</th><th scope="col">High watermark</th><th scope="col">Lag</th></tr></thead>
            <tbody>
              {group.topics.flatMap((topic) => topic.partitions.map((partition) => (
                <tr>
                  <td class="ll-id">{topic.topic}</td>
                  <td>{partition.partition}</td>
                  <td>{partition.committedOffset ?? <span class="ll-muted">none</span>}</td>
                  <td>{partition.lowWatermark}</td>
                  <td>{partition.highWatermark}</td>
                  <td>{partition.lag === 0 ? '0' : <span class="ll-strong">{partition.lag}</span>}</td>
                </tr>
              )))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </section>
  );
}

function KafkaContent({ read }: { read: KafkaRead<KafkaLagAnswer> }): VNode {
  if (read.kind === 'unavailable') return <KafkaUnavailable message={read.message} />;
  const { answer } = read;
  if (!answer.kafka) return <NoKafka>Runs are retried in process and views follow the log directly, so there is no consumer group to show.</NoKafka>;
  if (answer.groups.length === 0) return <Empty>No consumer group has a topic yet.</Empty>;
  return <>{answer.groups.map((group) => <GroupTable group={group} />)}</>;
}

export async function kafkaPage(context: PageContext): Promise<PageResult> {
  const read = await readKafka<KafkaLagAnswer>(context.api, '/v1/admin/kafka/lag');
  return livePage(context, {
    id: 'kafka-live',
    title: 'Kafka',
    head: <OperationsHead current="kafka">The scale-out workers' consumer groups (runs, views and retries), each partition's committed offset and how many messages wait behind it. The page follows them every two seconds.</OperationsHead>,
    content: <KafkaContent read={read} />,
  });
}
