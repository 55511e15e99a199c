import type { OfflineMessages } from './en-offline';

/** Textos do funcionamento offline e da aplicação instalável (junto a pt.ts; juntados em index.ts). */
export const ptOffline: OfflineMessages = {
  offline: {
    banner: 'Está sem ligação à rede.',
    bannerHint:
      'O SysPonto continua a funcionar com o que leu por último; as suas alterações ficam guardadas neste dispositivo e são enviadas quando a rede voltar.',
    pending: 'Nenhuma alteração por enviar | 1 alteração por enviar | {count} alterações por enviar',
    syncing: 'A enviar as alterações feitas sem rede…',
    synced:
      'Nenhuma alteração foi enviada | Foi enviada 1 alteração feita sem rede | Foram enviadas {count} alterações feitas sem rede',
    savedAt: 'Sem rede: a mostrar o que foi lido {age}.',
    pendingSync: 'Por sincronizar',
    pendingSyncHint: 'Guardado neste dispositivo; enviado quando a rede voltar.',
    needsNetwork: 'Precisa de rede',
    refusedTitle: 'Não aplicado pelo servidor',
    refused: '{name}: {status} não foi aplicado — {reason}',
    conflict:
      '{name}: a sua alteração sem rede ({status}) não foi aplicada, porque {current} foi registado mais tarde ({time}). Verifique.',
    conflictNone: 'nada',
    dismiss: 'Fechar',
    rollCall: 'Chamada',
    rollCallHint: 'Marque cada estudante como presente, atrasado ou com falta — funciona sem rede.',
    mark: {
      present: 'Marcar {name} como presente',
      late: 'Marcar {name} como atrasado',
      absent: 'Marcar falta a {name}',
    },
    short: { present: 'P', late: 'At', absent: 'F' },
    queuedChange: 'Guardado sem rede: {name} → {status}. Será enviado quando voltar a ter rede.',
    checkIn: {
      queued: 'Em espera — será enviado quando voltar a ter rede.',
      queuedHint:
        'Mantenha o SysPonto aberto (ou abra-o de novo) quando tiver rede. O docente decide se já é tarde demais.',
      sent: 'O seu registo de presença em espera foi enviado.',
      refused: 'O seu registo de presença em espera não foi aceite: {reason}',
      askTeacher: 'O código já não era válido quando o seu registo chegou. Peça ao docente que marque a sua presença.',
    },
  },
  pwa: {
    updateReady: 'Há uma nova versão do SysPonto.',
    updateNow: 'Recarregar para atualizar',
    later: 'Mais tarde',
    offlineReady: 'O SysPonto está pronto a funcionar sem rede.',
  },
  errors: {
    attendance: {
      'offline-conflict':
        'Esta presença foi alterada depois de a sua alteração sem rede ter sido feita; ficou a alteração mais recente.',
    },
    idempotency: {
      'key-reused': 'Esta alteração já foi enviada com outro conteúdo.',
      'in-progress': 'Esta alteração ainda está a ser processada. Tente de novo daqui a pouco.',
      'key-invalid': 'Não foi possível enviar a alteração (chave inválida).',
    },
  },
};
